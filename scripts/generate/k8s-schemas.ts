/**
 * Makes the vendored schema data of one Kubernetes release (`schemas/k8s-<minor>/`)
 * from upstream sources, the way the 1.28 files were made:
 *
 * - `_definitions.json`: the `definitions` of the release's
 *   `api/openapi-spec/swagger.json` (module k8s.io/kubernetes) with cdk8s's
 *   two changes (IntOrString and Quantity become `oneOf`, and the `kind` of
 *   a single-kind object gets a one-value `enum`), written as cdk8s writes it.
 *   Run on v1.28.0 it reproduces `schemas/k8s-1.28/_definitions.json` byte for byte.
 * - `enums.json`: upstream dropped `enum` from the swagger after 1.24, so the
 *   values come from the Go types: every `// +enum` string type of the
 *   k8s.io/api and k8s.io/apiextensions-apiserver modules, its constants,
 *   and the struct fields of that type that the swagger has. Run on the 1.28
 *   modules it gives the vendored 1.28 list plus four real enums that list missed.
 *
 * usage: npx tsx scripts/generate/k8s-schemas.ts <swagger.json> <k8s.io/api dir> <k8s.io/apiextensions-apiserver dir> <out dir>
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

type Schema = Record<string, any>;

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** cdk8s's form of the definitions (kubernetes-schemas/vX/_definitions.json). */
export function cdk8sDefinitions(swagger: { definitions: Record<string, Schema> }): string {
  const out: Record<string, Schema> = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    if (name === INT_OR_STRING) {
      out[name] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
      continue;
    }
    if (name === QUANTITY) {
      out[name] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
      continue;
    }
    const gvks = definition['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvks) && definition.properties?.kind && new Set(gvks.map((g) => g.kind)).size === 1) {
      const properties = Object.fromEntries(
        Object.entries(definition.properties as Schema).map(([key, value]) => [
          key,
          key === 'kind' ? { ...value, enum: [gvks[0].kind] } : value,
        ]),
      );
      out[name] = { ...definition, properties };
    } else {
      out[name] = definition;
    }
  }
  // cdk8s writes non-ASCII characters as \u escapes.
  return JSON.stringify({ definitions: out }, null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

interface Field {
  readonly json: string;
  readonly pkg: string;
  readonly type: string;
  readonly inline: boolean;
}
type ConstRef = string | { readonly pkg: string; readonly name: string };
interface GoPackage {
  readonly enumTypes: Map<string, Set<string>>;
  readonly consts: { type: string; value: ConstRef; name: string }[];
  readonly structs: Map<string, Field[]>;
}

const goString = (quoted: string): string => JSON.parse(`"${quoted}"`);

function typeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? typeFiles(join(dir, entry.name)) : /^types(_.*)?\.go$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Reads the gofmt'ed `types*.go` files of a module; packages are keyed `<module>/<dir>`. */
function readGoPackages(moduleDir: string, module: string, pkgs: Map<string, GoPackage>): void {
  for (const file of typeFiles(moduleDir)) {
    const pkg = `${module}/${relative(moduleDir, join(file, '..')).split(sep).join('/')}`;
    const p: GoPackage = pkgs.get(pkg) ?? { enumTypes: new Map(), consts: [], structs: new Map() };
    pkgs.set(pkg, p);
    const text = readFileSync(file, 'utf8');
    const imports: Record<string, string> = {};
    for (const m of text.matchAll(/^\s*(\w+)?\s*"(k8s\.io\/(?:api|apiextensions-apiserver)\/[^"]+)"$/gm))
      imports[m[1] ?? m[2].split('/').pop()!] = m[2];
    const lines = text.split('\n');
    let inConst = false;
    let struct: { name: string; fields: Field[] } | undefined;
    lines.forEach((line, i) => {
      let m = line.match(/^type (\w+) string\b/);
      if (m) {
        let enumType = false;
        for (let j = i - 1; j >= 0 && /^\s*\/\//.test(lines[j]); j--) if (/^\s*\/\/\s*\+enum\s*$/.test(lines[j])) enumType = true;
        if (enumType) p.enumTypes.set(m[1], new Set());
      }
      if (line === 'const (') {
        inConst = true;
        return;
      }
      if (inConst && line === ')') {
        inConst = false;
        return;
      }
      m = inConst ? line.match(/^\t(\w+)\s+(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"/) : line.match(/^const (\w+)\s+(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"/);
      if (m) p.consts.push({ name: m[1], type: m[2], value: goString(m[3]) });
      // `PathTypeExact = PathType("Exact")`, `AddressTypeIPv4 = AddressType(v1.IPv4Protocol)`
      m = line.match(/^(?:\t|const )(\w+)\s*=\s*(\w+)\((?:"((?:[^"\\]|\\.)*)"|(?:(\w+)\.)?(\w+))\)\s*$/);
      if (m)
        p.consts.push({
          name: m[1],
          type: m[2],
          value: m[3] !== undefined ? goString(m[3]) : { pkg: m[4] ? imports[m[4]] : pkg, name: m[5] },
        });
      m = line.match(/^type (\w+) struct \{$/);
      if (m) {
        struct = { name: m[1], fields: [] };
        return;
      }
      if (struct && line === '}') {
        p.structs.set(struct.name, struct.fields);
        struct = undefined;
        return;
      }
      if (!struct) return;
      m = line.match(/^\t(\w+)\s+\*?(?:(\w+)\.)?(\w+)\s+`json:"([^,"]*)(,inline)?/);
      if (m) struct.fields.push({ json: m[4], pkg: m[2] ? imports[m[2]] : pkg, type: m[3], inline: !!m[5] });
      else if ((m = line.match(/^\t\*?(?:(\w+)\.)?(\w+)\s+`json:",inline"/)))
        struct.fields.push({ json: '', pkg: m[1] ? imports[m[1]] : pkg, type: m[2], inline: true });
    });
  }
}

/** The swagger definition prefix of a Go package: `k8s.io/api/core/v1` -> `io.k8s.api.core.v1`. */
function definitionPrefix(pkg: string): string {
  const [host, module, ...rest] = pkg.split('/');
  return [...host.split('.').reverse(), module, ...rest].join('.');
}

/** `{ definition: { property: [values] } }` for every enum-typed string property the swagger has. */
export function goEnums(
  swagger: { definitions: Record<string, Schema> },
  apiDir: string,
  apiextensionsDir: string,
): Record<string, Record<string, string[]>> {
  const pkgs = new Map<string, GoPackage>();
  readGoPackages(apiDir, 'k8s.io/api', pkgs);
  readGoPackages(apiextensionsDir, 'k8s.io/apiextensions-apiserver', pkgs);
  const constValue = (pkg: string, name: string): string | undefined => {
    const c = pkgs.get(pkg)?.consts.find((x) => x.name === name);
    return c === undefined ? undefined : typeof c.value === 'string' ? c.value : constValue(c.value.pkg, c.value.name);
  };
  for (const [pkg, p] of pkgs) {
    for (const c of p.consts) {
      const value = typeof c.value === 'string' ? c.value : constValue(c.value.pkg, c.value.name);
      if (value !== undefined) p.enumTypes.get(c.type)?.add(value);
    }
    void pkg;
  }
  const fieldsOf = (pkg: string, name: string): Field[] =>
    (pkgs.get(pkg)?.structs.get(name) ?? []).flatMap((f) => (f.inline ? fieldsOf(f.pkg, f.type) : [f]));
  const enums: Record<string, Record<string, string[]>> = {};
  for (const [pkg, p] of pkgs) {
    for (const name of p.structs.keys()) {
      const definition = `${definitionPrefix(pkg)}.${name}`;
      const schema = swagger.definitions[definition];
      if (!schema) continue;
      for (const field of fieldsOf(pkg, name)) {
        const values = pkgs.get(field.pkg)?.enumTypes.get(field.type);
        if (values && values.size > 0 && schema.properties?.[field.json]?.type === 'string') {
          (enums[definition] ??= {})[field.json] = [...values].sort();
        }
      }
    }
  }
  const sortKeys = <T>(o: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  return Object.fromEntries(
    Object.keys(enums)
      .sort()
      .map((k) => [k, sortKeys(enums[k])]),
  );
}

if (require.main === module) {
  const [swaggerPath, apiDir, apiextensionsDir, outDir] = process.argv.slice(2);
  if (!outDir) {
    process.stderr.write(
      'usage: npx tsx scripts/generate/k8s-schemas.ts <swagger.json> <k8s.io/api dir> <k8s.io/apiextensions-apiserver dir> <out dir>\n',
    );
    process.exit(2);
  }
  const swagger = JSON.parse(readFileSync(swaggerPath, 'utf8'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, '_definitions.json'), cdk8sDefinitions(swagger));
  writeFileSync(join(outDir, 'enums.json'), `${JSON.stringify(goEnums(swagger, apiDir, apiextensionsDir), null, 2)}\n`);
}
