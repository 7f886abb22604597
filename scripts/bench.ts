/**
 * `npm run bench`: performance figures, measured side by side in one run
 * (medians of several repetitions, interleaved so machine noise hits every
 * variant alike). Prints ratios, the only figures worth comparing across runs
 * on a shared machine. BENCH_REPS sets the repetitions (default 5).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const BIN = join(ROOT, 'node_modules', '.bin');
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

/** Runs a command and returns its wall time; throws with its output when it fails. */
function timed(command: string, args: string[]): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: ENV, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** Medians of interleaved repetitions of several commands. */
function compare(variants: Record<string, [string, string[]]>, reps = REPS): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < reps; i++) {
    for (const [name, [command, args]] of Object.entries(variants)) samples[name].push(timed(command, args).ms);
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

function synthBench(): void {
  console.log(`\n## Synth (median of ${REPS}, wall time)`);
  const r = compare({
    'cdk8s synth (as configured: tsx)': [join(BIN, 'cdk8s'), ['synth']],
    'npm run synth (tsx main.ts)': [join(BIN, 'tsx'), ['main.ts']],
    'npx ts-node main.ts (stock cdk8s init)': ['npx', ['ts-node', 'main.ts']],
    'floor: node -e require(cdk8s-plus-28)': [process.execPath, ['-e', "require('cdk8s-plus-28')"]],
  });
  const stock = r['npx ts-node main.ts (stock cdk8s init)'];
  const floor = r['floor: node -e require(cdk8s-plus-28)'];
  for (const [name, ms] of Object.entries(r)) {
    console.log(`${name.padEnd(42)} ${fmt(ms).padStart(9)}   x${(ms / stock).toFixed(2)} of ts-node   x${(ms / floor).toFixed(2)} of floor`);
  }
}

function scaleBench(): void {
  console.log(`\n## Scaling: N exposed pods (pod + Service) in one chart (median of ${REPS}, in-process time)`);
  const sample = (n: number, variant: string) => JSON.parse(timed(process.execPath, ['--import', 'tsx', join('scripts', 'bench-scale-worker.ts'), String(n), variant]).stdout);
  const perObject: Record<string, number> = {};
  console.log('variant      N      wall      per object   peak RSS');
  for (const n of [10, 100, 1000]) {
    for (const variant of ['ours', 'cdk8s-plus']) {
      const runs = Array.from({ length: REPS }, () => sample(n, variant));
      const ms = median(runs.map((x) => x.ms));
      const rss = median(runs.map((x) => x.maxRssMiB));
      perObject[`${variant}@${n}`] = ms / (2 * n);
      console.log(`${variant.padEnd(11)} ${String(n).padStart(5)} ${fmt(ms).padStart(9)}  ${(1000 * ms / (2 * n)).toFixed(1).padStart(8)} us  ${rss.toFixed(0).padStart(5)} MiB`);
    }
  }
  console.log(`per-object cost N=1000 / N=100 (ours): x${(perObject['ours@1000'] / perObject['ours@100']).toFixed(2)} (target <= 1.2)`);
  console.log(`ours / cdk8s-plus at N=1000:           x${(perObject['ours@1000'] / perObject['cdk8s-plus@1000']).toFixed(2)} (target <= 1.2)`);
}

function validateBench(): void {
  console.log(`\n## Validation (median of ${REPS}, in-process time, fresh process each)`);
  const runs = Array.from({ length: REPS }, () => JSON.parse(timed(process.execPath, ['--import', 'tsx', join('scripts', 'bench-validate-worker.ts'), '1000']).stdout));
  const m = (key: string) => median(runs.map((r) => r[key]));
  const schemaMs = m('schemaLoadMs') + m('crdLoadMs') + m('compileMs');
  console.log(`schema: load k8s definitions ${fmt(m('schemaLoadMs'))}, load Tekton CRDs ${fmt(m('crdLoadMs'))}, compile ${fmt(m('compileMs'))} (${runs[0].compiledKinds} kinds) = ${fmt(schemaMs)} once per process`);
  console.log(`dist/: ${runs[0].distObjects} objects, ${runs[0].distErrors} errors: ${fmt(m('distFirstMs'))} including the schema work, ${fmt(m('distFirstMs') - schemaMs)} without`);
  console.log(`N=1000 exposed pods: ${runs[0].scaledObjects} objects, ${runs[0].scaledErrors} errors: ${fmt(m('scaledMs'))} (${(1000 * m('scaledMs') / runs[0].scaledObjects).toFixed(0)} us per object)`);
}

function testBench(): void {
  const reps = Math.min(REPS, 3);
  console.log(`\n## Tests (median of ${reps}, interleaved, wall time, no jest cache; the consumer test is left out of both jest runs)`);
  const jest = join(BIN, 'jest');
  const common = ['--silent', '--no-cache', '--testPathIgnorePatterns', '/node_modules/', '/test/consumer/'];
  const r = compare({
    tsc: [join(BIN, 'tsc'), ['--noEmit']],
    transpileOnly: [jest, common],
    typeChecking: [jest, [...common, '--config', join('scripts', 'jest.typecheck.config.js')]],
  }, reps);
  const after = r.tsc + r.transpileOnly;
  console.log(`after:  tsc --noEmit once (${fmt(r.tsc)}) + jest with ts-jest transpile-only (${fmt(r.transpileOnly)}) = ${fmt(after)}`);
  console.log(`before: jest with ts-jest type-checking every file: ${fmt(r.typeChecking)} (x${(r.typeChecking / after).toFixed(2)} of after)`);
}

function explainBench(): void {
  console.log(`\n## explain (median of ${REPS}, in-process time, fresh process each)`);
  for (const mode of ['warm', 'cold'] as const) {
    if (mode === 'warm') timed(process.execPath, ['--import', 'tsx', join('scripts', 'bench-explain-worker.ts')]); // fills the CRD cache
    const runs = Array.from({ length: REPS }, () => JSON.parse(timed(process.execPath, ['--import', 'tsx', join('scripts', 'bench-explain-worker.ts'), mode]).stdout));
    const m = (key: string) => median(runs.map((r) => r[key]));
    console.log(`${mode === 'warm' ? 'CRD cache filled' : 'empty CRD cache '}: schema load ${fmt(m('loadMs'))} (k8s definitions ${fmt(m('k8sMs'))}, CRD name index ${fmt(m('crdIndexMs'))}; target < 300 ms)`
      + `, + largest Tekton CRD ${fmt(m('crdParseMs'))} = ${fmt(m('loadMs') + m('crdParseMs'))}`);
    console.log(`                  first built-in field ${fmt(m('builtinMs'))}, first Tekton field ${fmt(m('crdMs'))}, a field with usage from dist/ and docs ${fmt(m('usageMs'))}`);
  }
}

const sections: Record<string, () => void> = { synth: synthBench, scale: scaleBench, validate: validateBench, tests: testBench, explain: explainBench };
const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(sections)) if (wanted.length === 0 || wanted.includes(name)) run();
