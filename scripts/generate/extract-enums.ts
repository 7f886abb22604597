/**
 * Builds the enum table that the validator merges into the Kubernetes
 * definitions. `_definitions.json` (from cdk8s) has no enums; the raw
 * Kubernetes swagger with enums put back has them, some listed twice
 * (`ServiceSpec.externalTrafficPolicy` is `[Cluster, Cluster, Local, Local]`,
 * which Ajv rejects). The table keeps only what the validator needs:
 * definition name -> property name -> sorted, deduplicated values.
 *
 * Regenerate `schemas/k8s-1.28/enums.json` with:
 *   npx tsx scripts/generate/extract-enums.ts <swagger-1.28.0-with-enums.json> > schemas/k8s-1.28/enums.json
 */
import { readFileSync } from 'node:fs';

/** definition name -> property name -> allowed values. */
export type EnumTable = Record<string, Record<string, string[]>>;

interface SwaggerLike {
  readonly definitions?: Record<string, { properties?: Record<string, { enum?: unknown[] }> }>;
}

/** Collects every property-level `enum` of a swagger document, deduplicated and sorted. */
export function extractEnumTable(swagger: SwaggerLike): EnumTable {
  const table: EnumTable = {};
  for (const name of Object.keys(swagger.definitions ?? {}).sort()) {
    const properties = swagger.definitions![name].properties ?? {};
    for (const property of Object.keys(properties).sort()) {
      const values = properties[property].enum;
      if (!Array.isArray(values)) continue;
      const unique = [...new Set(values.map(String))].sort();
      (table[name] ??= {})[property] = unique;
    }
  }
  return table;
}

if (require.main === module) {
  const source = process.argv[2];
  if (!source) {
    console.error('usage: tsx scripts/generate/extract-enums.ts <swagger-with-enums.json>');
    process.exit(2);
  }
  const table = extractEnumTable(JSON.parse(readFileSync(source, 'utf8')) as SwaggerLike);
  process.stdout.write(`${JSON.stringify(table, null, 2)}\n`);
}
