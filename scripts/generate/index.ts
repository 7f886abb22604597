/**
 * `npm run generate`: writes every generated file. `npm run generate -- --check` writes nothing,
 * names each file that is not what its generator makes, and exits 1 if there is one
 * (test/docs/generated-files.test.ts runs the check).
 *
 * One module per output; add a generator to GENERATORS and it is written and checked. Not here:
 * the vendored Kubernetes schemas (k8s-schemas.ts, extract-enums.ts), made from upstream sources
 * outside the repository, and the docs the cluster suites measure (docs/engine-vs-api-server*.md,
 * docs/validator-vs-api-server.md), which those suites write with UPDATE_GENERATED=1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { apiReference } from './api-reference';
import { apiReport } from './api-report';
import { bench } from './bench';
import { ciSetupPage } from './ci-setup';
import { crdBundle } from './crd-bundle';
import { exerciseGraphs } from './exercise-graphs';
import { Generator, ROOT, ToolGenerator } from './generator';
import { knownImages } from './known-images';
import { kubectlParity } from './kubectl-parity';
import { rbac } from './rbac';
import { rules } from './rules';

/** Every generated file. */
export const GENERATORS: readonly (Generator | ToolGenerator)[] = [
  exerciseGraphs,
  rbac,
  ciSetupPage,
  rules,
  knownImages,
  kubectlParity,
  bench,
  apiReference,
  apiReport,
  crdBundle,
];

const isTool = (g: Generator | ToolGenerator): g is ToolGenerator => 'script' in g;

/** Runs a tool generator's script (`--check` or not); returns the files it names as stale. */
function runTool(g: ToolGenerator, check: boolean, root: string): string[] {
  const args = ['--import', 'tsx', join(ROOT, g.script), ...(check ? ['--check'] : [])];
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const stale = child.stderr
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => line.trim());
  if (child.status !== 0 && !(check && child.status === 1 && stale.length > 0)) {
    throw new Error(`${g.script}${check ? ' --check' : ''} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return stale;
}

/** The outputs that differ from what their generators make now (missing ones included). */
export function staleFiles(generators: readonly (Generator | ToolGenerator)[] = GENERATORS, root = ROOT): string[] {
  return generators.flatMap((g) => {
    if (isTool(g)) return runTool(g, true, root);
    const file = join(root, g.output);
    return !existsSync(file) || readFileSync(file, 'utf8') !== g.render() ? [g.output] : [];
  });
}

/** Writes the outputs whose text changed; returns them (a tool's outputs as a whole). */
export function writeGenerated(generators: readonly (Generator | ToolGenerator)[] = GENERATORS, root = ROOT): string[] {
  const written: string[] = [];
  for (const g of generators) {
    if (isTool(g)) {
      const stale = runTool(g, true, root);
      if (stale.length === 0) continue;
      runTool(g, false, root);
      written.push(...stale);
      continue;
    }
    const file = join(root, g.output);
    const text = g.render();
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(g.output);
  }
  return written;
}

/** The command: returns its exit code. */
export function main(args: readonly string[], generators: readonly (Generator | ToolGenerator)[] = GENERATORS, root = ROOT): number {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: npm run generate [-- --check] (unknown: ${unknown.join(' ')})`);
    return 2;
  }
  if (args.includes('--check')) {
    const stale = staleFiles(generators, root);
    for (const file of stale) console.error(`stale: ${file} (run \`npm run generate\`)`);
    return stale.length > 0 ? 1 : 0;
  }
  const written = writeGenerated(generators, root);
  console.log(written.length > 0 ? written.map((f) => `wrote ${f}`).join('\n') : `all ${generators.length} generated files are current`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
