/**
 * `npm run bench [section...]`: performance figures, measured side by side in
 * one run. Each figure is the median of BENCH_REPS repetitions (default 5)
 * with their min and max; the variants of a section are interleaved, so noise
 * on a shared machine hits them alike, and every ratio compares medians of
 * the same run. Sections: synth, import, validate, engine, scale, explain, tests
 * (`tests` only when named: it runs the whole suite twice per repetition).
 *
 * The figures go to docs/bench.json (the sections run replace theirs) and
 * docs/generated/bench.md is rendered from that file (scripts/generate/bench.ts;
 * `npm run generate -- --check` keeps them equal).
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { bench, BENCH_RESULTS, BenchResults, BenchRow, BenchSection, renderBenchPage } from '../generate/bench';
import { buildYardsticks } from './bench-yardstick';
import { wasmRunnerArgs } from '../../lib/tooling/check/engine-runner';

const ROOT = join(__dirname, '..', '..');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const BIN = join(ROOT, 'node_modules', '.bin');
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
const RESULTS = BENCH_RESULTS;
const CLI = join(ROOT, 'build', 'bin', 'k8s-practice.js');
/** The kubernetes-models release the validate section compares with, installed into a temp folder (not a dependency: git installs would pay for it). */
const MODELS_VERSION = '5.1.0';

interface Stats {
  min: number;
  median: number;
  max: number;
}
const stats = (xs: number[]): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
const msStats = (s: Stats) => `${ms(s.median)} (min ${ms(s.min)}, max ${ms(s.max)})`;
const ratio = (a: number, b: number) => `x${(a / b).toFixed(2)}`;
const target = (value: number, limit: number) => `<= x${limit.toFixed(2)}: ${value <= limit ? 'met' : 'not met'}`;

type Command = [string, string[], SpawnSyncOptions?];

/** The 1-minute load average now (this machine is shared: a figure is only as quiet as the machine was). */
const load = () => loadavg()[0].toFixed(1);
/** A section's `how`, with the load average at its start and end. */
const how = (text: string, loadAtStart: string) => `${text}; load average ${loadAtStart} at the start, ${load()} at the end`;

/** Runs a command; returns its wall time. Throws with its output when it fails. */
function timed([command, args, options]: Command): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return elapsed;
}

/** Interleaved repetitions of several commands (one warm-up run each first); what `run` measured of each run. */
function interleave<K extends string, T>(
  variants: Record<K, Command>,
  run: (command: Command) => T,
  reps = REPS,
  warmUp = true,
): Record<K, T[]> {
  const names = Object.keys(variants) as K[];
  if (warmUp) for (const name of names) run(variants[name]);
  const samples = Object.fromEntries(names.map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let i = 0; i < reps; i++) for (const name of names) samples[name].push(run(variants[name]));
  return samples;
}

/** Interleaved repetitions of several commands (one warm-up run each first); their time statistics. */
function compare<K extends string>(variants: Record<K, Command>, reps = REPS, warmUp = true): Record<K, Stats> {
  const samples = interleave(variants, timed, reps, warmUp);
  return Object.fromEntries(Object.entries<number[]>(samples).map(([k, xs]) => [k, stats(xs)])) as Record<K, Stats>;
}

/** The build must be of the current sources: prepare rebuilds it when its stamp does not match. */
function ensureBuild(): void {
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'build', 'prepare.js')], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...ENV, npm_command: 'run-script' },
  });
}

const objectsIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJS())
        .filter((o) => o),
    );

function synthSection(): BenchSection {
  const loadAtStart = load();
  const base = mkdtempSync(join(tmpdir(), 'bench-yardstick-'));
  try {
    const y = buildYardsticks(ROOT, base);
    const plainOut = join(base, 'plain-out');
    timed([process.execPath, [y.plainMain, plainOut]]);
    const same = isDeepStrictEqual(objectsIn(plainOut), objectsIn(join(ROOT, 'dist')));
    const cdk8s = join(BIN, 'cdk8s');
    const r = compare({
      stock: [cdk8s, ['synth'], { cwd: y.stock }],
      ours: [cdk8s, ['synth']],
      oursTsx: [cdk8s, ['synth', '--app', 'node --import tsx main.ts']],
      nothing: [cdk8s, ['synth'], { cwd: y.nothing }],
      // dist/ already holds this output (the runs before wrote it): nothing is swapped.
      npmSynth: [process.execPath, [join('scripts', 'synth', 'synth.js')]],
      // Another output each time (this one, then the next variant's): dist/ is swapped (python3 renameat2).
      npmSynthChanged: [process.execPath, [join('scripts', 'synth', 'synth.js'), '--namespace-suffix=-bench']],
      // As after an edit: the bundle is rebuilt and the code cache written again.
      npmSynthRebuild: ['bash', ['-c', 'rm -rf .synth && exec node scripts/synth/synth.js']],
      tsxSynth: [process.execPath, ['--import', 'tsx', 'main.ts']],
      plain: [process.execPath, [y.plainMain, plainOut]],
      floor: [process.execPath, ['-e', "require('cdk8s-plus-28')"]],
    });
    const rows: BenchRow[] = [
      {
        figure: 'stock `cdk8s init typescript-app` app: `cdk8s synth` (app: `npx ts-node main.ts`, one empty chart)',
        value: msStats(r.stock),
        ratio: 'the yardstick',
      },
      {
        figure: 'this project: `cdk8s synth` (app: `node scripts/synth/synth.js`, the esbuild bundle, every exercise)',
        value: msStats(r.ours),
        ratio: `${ratio(r.ours.median, r.stock.median)} of the stock app`,
      },
      {
        figure: 'this project: `cdk8s synth --app "node --import tsx main.ts"` (the app through the tsx loader, as before the bundle)',
        value: msStats(r.oursTsx),
        ratio: `${ratio(r.oursTsx.median, r.nothing.median)} of the CLI alone; the bundle is ${ratio(r.ours.median, r.oursTsx.median)} of it`,
      },
      {
        figure: 'the cdk8s CLI with an app that only creates its output folder (`app: mkdir -p dist`)',
        value: msStats(r.nothing),
        ratio: `${ratio(r.ours.median, r.nothing.median)}: our \`cdk8s synth\` / the CLI alone`,
        target: target(r.ours.median / r.nothing.median, 1.25),
      },
      {
        figure: '`npm run synth` (`node scripts/synth/synth.js`: the bundle and its code cache), dist/ already up to date',
        value: msStats(r.npmSynth),
        ratio: `${ratio(r.npmSynth.median, r.floor.median)} of the floor; ${ratio(r.npmSynth.median, r.stock.median)} of the stock app; ${ratio(r.npmSynth.median, r.tsxSynth.median)} of \`node --import tsx main.ts\``,
        target: target(r.npmSynth.median / r.floor.median, 2),
      },
      {
        figure: '`npm run synth -- --namespace-suffix=-bench`: other output than dist/ holds, swapped in',
        value: msStats(r.npmSynthChanged),
        ratio: `${ratio(r.npmSynthChanged.median, r.floor.median)} of the floor`,
        target: target(r.npmSynthChanged.median / r.floor.median, 2),
      },
      {
        figure: '`npm run synth` after an edit: the bundle rebuilt, the code cache written again',
        value: msStats(r.npmSynthRebuild),
        ratio: `${ratio(r.npmSynthRebuild.median, r.floor.median)} of the floor (once per edit)`,
      },
      {
        figure: '`node --import tsx main.ts` (the same app through the tsx loader)',
        value: msStats(r.tsxSynth),
        ratio: `${ratio(r.tsxSynth.median, r.floor.median)} of the floor`,
      },
      {
        figure: `the same objects as plain cdk8s \`ApiObject\`s, compiled JavaScript (same output as dist/: ${same ? 'yes' : 'NO'})`,
        value: msStats(r.plain),
        ratio: `${ratio(r.plain.median, r.floor.median)} of the floor; ours (\`npm run synth\`) is ${ratio(r.npmSynth.median, r.plain.median)} of it`,
      },
      { figure: 'the floor: `node -e "require(\'cdk8s-plus-28\')"`', value: msStats(r.floor), ratio: '' },
    ];
    return {
      title: 'Synth',
      ranAt: new Date().toISOString().slice(0, 10),
      how: how(`${REPS} interleaved runs after one warm-up, wall time of the whole process`, loadAtStart),
      rows,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function importSection(): BenchSection {
  const loadAtStart = load();
  ensureBuild();
  const r = compare({
    floor: [process.execPath, ['-e', "require('cdk8s-plus-28')"]],
    root: [process.execPath, ['-e', "require('./build/lib/index.js')"]],
    check: [process.execPath, ['-e', "require('./build/lib/check-api.js')"]],
  });
  const rows: BenchRow[] = [
    { figure: "`require('cdk8s-plus-28')` alone", value: msStats(r.floor), ratio: 'the yardstick' },
    {
      figure: "`require('k8s-practice-constructs')` (the package root: constructs only)",
      value: msStats(r.root),
      ratio: ratio(r.root.median, r.floor.median),
      target: target(r.root.median / r.floor.median, 1.1),
    },
    {
      figure: "`require('k8s-practice-constructs/check')` (the validator's own subpath)",
      value: msStats(r.check),
      ratio: ratio(r.check.median, r.floor.median),
    },
  ];
  return {
    title: 'Import cost (compiled build/)',
    ranAt: new Date().toISOString().slice(0, 10),
    how: how(`${REPS} interleaved runs after one warm-up, wall time of \`node -e\``, loadAtStart),
    rows,
  };
}

/** Peak RSS (bytes) of the CLI validating `paths`, in a process of its own. */
function peakRss(paths: string[]): number {
  const script =
    `require(${JSON.stringify(CLI)}).main(${JSON.stringify(['validate', ...paths])}, { out() {}, err() {} })` +
    '.then((code) => { console.log(JSON.stringify({ code, rss: process.resourceUsage().maxRSS * 1024 })); })';
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  const { code, rss } = JSON.parse(run.stdout);
  if (code !== 0) throw new Error(`validate ${paths.join(' ')} exited ${code}`);
  return rss;
}

/** Installs kubernetes-models (and yaml) into `dir` from the npm cache or registry; returns its worker script there. */
function installKubernetesModels(dir: string): string {
  const yamlVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'yaml', 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-kubernetes-models', version: '1.0.0', private: true }));
  timed([
    'npm',
    ['install', '--prefer-offline', '--no-save', '--no-audit', '--no-fund', `kubernetes-models@${MODELS_VERSION}`, `yaml@${yamlVersion}`],
    { cwd: dir },
  ]);
  const worker = join(dir, 'validate.mjs');
  copyFileSync(join(ROOT, 'scripts', 'bench', 'bench-kubernetes-models.mjs'), worker);
  return worker;
}

function validateSection(): BenchSection {
  const loadAtStart = load();
  ensureBuild();
  const work = mkdtempSync(join(tmpdir(), 'bench-validate-'));
  const modelsDir = mkdtempSync(join(tmpdir(), 'bench-kubernetes-models-'));
  try {
    const pods = 4995; // ~10,000 objects in one file: the validator reads at most 10,000 documents per file
    timed([process.execPath, ['--import', 'tsx', join('scripts', 'bench', 'bench-objects-worker.ts'), work, String(pods)]]);
    const objects = objectsIn(work).length;
    const inputBytes = readdirSync(work).reduce((sum, f) => sum + statSync(join(work, f)).size, 0);
    const distBytes = readdirSync(join(ROOT, 'dist')).reduce((sum, f) => sum + statSync(join(ROOT, 'dist', f)).size, 0);
    const modelsWorker = installKubernetesModels(modelsDir);
    const models = JSON.parse(spawnSync(process.execPath, [modelsWorker, 'dist'], { cwd: ROOT, encoding: 'utf8' }).stdout) as {
      validated: number;
      invalid: number;
      withoutModel: number;
    };
    const r = compare({
      compiled: [process.execPath, [CLI, 'validate', 'dist']],
      // What `npm run validate` runs: the compiled build after its freshness check (fresh here: ensureBuild).
      npmScript: [process.execPath, [join('scripts', 'build', 'cli.js'), 'validate', 'dist']],
      source: [process.execPath, ['--import', 'tsx', join('bin', 'k8s-practice.ts'), 'validate', 'dist']],
      kubernetesModels: [process.execPath, [modelsWorker, 'dist']],
      floor: [process.execPath, ['-e', '0']],
      plusFloor: [process.execPath, ['-e', "require('cdk8s-plus-28')"]],
    });
    const big = compare({ compiled: [process.execPath, [CLI, 'validate', work]] }, Math.min(REPS, 3));
    const rssDist = peakRss(['dist']);
    const rssBig = peakRss([work]);
    const perSecond = objects / (big.compiled.median / 1000);
    const rows: BenchRow[] = [
      {
        figure: '`k8s-practice validate dist` (compiled package: precompiled validators)',
        value: msStats(r.compiled),
        ratio: `${ratio(r.compiled.median, r.source.median)} of the same from the TypeScript sources`,
        target: `<= 400 ms: ${r.compiled.median <= 400 ? 'met' : 'not met'}`,
      },
      {
        figure: `kubernetes-models ${MODELS_VERSION} on dist/: the ${models.validated} objects it has a model for (${models.withoutModel} custom resources it cannot check; no cross-object rules${models.invalid > 0 ? `; it calls ${models.invalid} invalid` : ''})`,
        value: msStats(r.kubernetesModels),
        ratio: `our validate (all ${models.validated + models.withoutModel} objects, CRDs and rules) is ${ratio(r.compiled.median, r.kubernetesModels.median)} of it`,
        target: target(r.compiled.median / r.kubernetesModels.median, 1),
      },
      {
        figure: '`npm run validate` (`node scripts/build/cli.js validate`: the freshness check, then the compiled build; dist/)',
        value: msStats(r.npmScript),
        ratio: `${ratio(r.npmScript.median, r.plusFloor.median)} of \`require('cdk8s-plus-28')\`; ${ratio(r.npmScript.median, r.source.median)} of the sources through tsx`,
        target: target(r.npmScript.median / r.plusFloor.median, 2.5),
      },
      {
        figure:
          '`tsx bin/k8s-practice.ts validate dist` (sources: every kind compiled at run time; `npm run validate` when build/ is stale)',
        value: msStats(r.source),
        ratio: '',
      },
      { figure: 'the floor: `node -e "require(\'cdk8s-plus-28\')"`', value: msStats(r.plusFloor), ratio: '' },
      {
        figure: 'an empty node process (`node -e 0`)',
        value: msStats(r.floor),
        ratio: `the compiled validate is ${ratio(r.compiled.median, r.floor.median)} of it`,
      },
      {
        figure: `throughput: ${objects} objects (${(inputBytes / 1e6).toFixed(1)} MB of YAML), whole process`,
        value: msStats(big.compiled),
        ratio: `${Math.round(perSecond)} objects/s`,
      },
      {
        figure: 'peak RSS per byte of input',
        value: `${(rssBig / 2 ** 20).toFixed(0)} MiB for ${objects} objects; ${(rssDist / 2 ** 20).toFixed(0)} MiB for dist/ (${(distBytes / 1000).toFixed(0)} kB)`,
        ratio: `${(rssBig / inputBytes).toFixed(1)} bytes of RSS per byte of input (10,000 objects); ${((rssBig - rssDist) / inputBytes).toFixed(1)} above the process validating dist/`,
        target: `<= 10: ${rssBig / inputBytes <= 10 ? 'met' : 'not met'}`,
      },
    ];
    return {
      title: 'Validate',
      ranAt: new Date().toISOString().slice(0, 10),
      how: how(
        `${REPS} interleaved runs after one warm-up (throughput: ${Math.min(REPS, 3)}), wall time of the whole process`,
        loadAtStart,
      ),
      rows,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

/** A run's wall time (ms) and, through /usr/bin/time when there is one, its CPU time (ms, with the processes it waited for) and peak RSS (bytes, of the largest of them: GNU time's %M). */
interface Sample {
  readonly wall: number;
  readonly cpu?: number;
  readonly rss?: number;
}

function sampled([command, args, options]: Command): Sample {
  if (!existsSync('/usr/bin/time')) return { wall: timed([command, args, options]) };
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  try {
    const figures = join(dir, 'time');
    const wall = timed(['/usr/bin/time', ['-o', figures, '-f', '%U %S %M', command, ...args], options]);
    const [user, system, kb] = readFileSync(figures, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
    return { wall, cpu: (user + system) * 1000, rss: kb * 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a (no /usr/bin/time)' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const median = (xs: (number | undefined)[]) => (xs.some((x) => x === undefined) ? undefined : stats(xs as number[]).median);

/**
 * `validate dist` with kube-apiserver 1.28.15's own checks: our rules alone, with the native
 * engine, with the WebAssembly one (each engine in a child process, alongside our rules), and
 * each engine alone (Tekton's admission off in these); then with Tekton's admission too, both
 * engines of one kind (the default of a checkout with the native builds, and of an installed
 * package: WebAssembly). Wall time, CPU time and peak RSS of every run, side by side, against the
 * issue's targets (native <= 350 ms, WebAssembly <= 1000 ms, wall median). Needs all built
 * (`npm run engines:build -- validation validation-wasm tekton-admission tekton-wasm`).
 */
function engineSection(): BenchSection {
  const loadAtStart = load();
  ensureBuild();
  const native = join(ROOT, '.engines', 'bin', 'validation-engine');
  const wasm = join(ROOT, 'build', 'engines', 'validation-engine.wasm');
  const tektonWasm = join(ROOT, 'build', 'engines', 'tekton-admission.wasm');
  for (const file of [native, wasm, join(ROOT, '.engines', 'bin', 'tekton-admission'), tektonWasm])
    if (!existsSync(file))
      throw new Error(
        `${file} is missing: build it (npm run engines:build -- validation validation-wasm tekton-admission tekton-wasm; npm run build)`,
      );
  const validate = (engine: string, tekton = 'none'): Command => [
    process.execPath,
    [CLI, 'validate', 'dist', '--api-server', engine, '--tekton', tekton],
  ];
  // The WebAssembly engine alone: the CLI's own runner, given the request the CLI would send for dist/.
  const files = readdirSync(join(ROOT, 'dist'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `dist/${f}`, text: readFileSync(join(ROOT, 'dist', f), 'utf8') }));
  const request = JSON.stringify({ runs: [{ files, previous: [] }] });
  const work = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  let samples;
  try {
    samples = interleave(
      {
        none: validate('none'),
        native: validate('native'),
        wasm: validate('wasm'),
        bothNative: validate('native', 'native'),
        bothWasm: validate('wasm', 'wasm'),
        nativeAlone: [native, ['dist']],
        wasmAlone: [process.execPath, wasmRunnerArgs(wasm, '/dev/null', join(work, 'request.json')), { input: request }],
      },
      sampled,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const wall = (name: keyof typeof samples) => stats(samples[name].map((x) => x.wall));
  const cpu = (name: keyof typeof samples) => median(samples[name].map((x) => x.cpu));
  const rss = (name: keyof typeof samples) => median(samples[name].map((x) => x.rss));
  const seconds = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x / 1000).toFixed(2)} s`);
  const figures = (name: keyof typeof samples) => `CPU ${seconds(cpu(name))}; peak RSS ${mib(rss(name))}`;
  const goal = (name: 'native' | 'wasm', limit: number) => `<= ${limit} ms: ${wall(name).median <= limit ? 'met' : 'not met'}`;
  const gzipOf = (file: string) => require('node:zlib').gzipSync(readFileSync(file), { level: 9 }).length as number;
  const gzip = gzipOf(wasm);
  const rows: BenchRow[] = [
    { figure: '`k8s-practice validate dist --api-server none` (our rules only)', value: msStats(wall('none')), ratio: figures('none') },
    {
      figure: '`k8s-practice validate dist` with the native engine (`--api-server native`, alongside our rules)',
      value: msStats(wall('native')),
      ratio: `${figures('native')} (the largest process); ${ratio(wall('native').median, wall('none').median)} of our rules only`,
      target: goal('native', 350),
    },
    {
      figure: '`k8s-practice validate dist` with the WebAssembly engine (`--api-server wasm`, alongside our rules)',
      value: msStats(wall('wasm')),
      ratio: `${figures('wasm')} (the engine's Node); ${ratio(wall('wasm').median, wall('none').median)} of our rules only`,
      target: goal('wasm', 1000),
    },
    {
      figure: "`k8s-practice validate dist` with the native engine and Tekton's native admission (`--tekton native`)",
      value: msStats(wall('bothNative')),
      ratio: `${figures('bothNative')}; ${ratio(wall('bothNative').median, wall('native').median)} of the native engine alone`,
    },
    {
      figure: "`k8s-practice validate dist` with both WebAssembly engines (an installed package's default)",
      value: msStats(wall('bothWasm')),
      ratio: `${figures('bothWasm')}; ${ratio(wall('bothWasm').median, wall('wasm').median)} of the WebAssembly validation engine alone`,
    },
    {
      figure: 'the native engine alone on dist/ (`validation-engine dist`)',
      value: msStats(wall('nativeAlone')),
      ratio: figures('nativeAlone'),
    },
    {
      figure: "the WebAssembly engine alone on dist/ (a Node with the CLI's runner and request: WASI, Liftoff only)",
      value: msStats(wall('wasmAlone')),
      ratio: figures('wasmAlone'),
    },
    {
      figure: 'sizes',
      value:
        `native ${mib(statSync(native).size)}; WebAssembly ${mib(statSync(wasm).size)} (${mib(gzip)} gzipped); ` +
        `Tekton admission WebAssembly ${mib(statSync(tektonWasm).size)} (${mib(gzipOf(tektonWasm))} gzipped)`,
      ratio: '',
    },
  ];
  // Side by side, as the issue's targets read.
  const line = (cells: string[]) =>
    `${cells[0]!.padEnd(8)} ${cells[1]!.padEnd(38)} ${cells[2]!.padEnd(8)} ${cells[3]!.padEnd(9)} ${cells[4]}`;
  console.log(`\nvalidate dist/: ${REPS} interleaved runs each, after one warm-up`);
  console.log(line(['engine', 'wall median (min, max)', 'CPU', 'peak RSS', 'target (wall median)']));
  for (const [name, limit] of [['none'], ['native', 350], ['wasm', 1000]] as const)
    console.log(line([name, msStats(wall(name)), seconds(cpu(name)), mib(rss(name)), limit ? goal(name as 'native' | 'wasm', limit) : '']));
  return {
    title: 'API-server engine',
    ranAt: new Date().toISOString().slice(0, 10),
    how: how(
      `${REPS} interleaved runs after one warm-up, wall time of the whole process (the engine runs in a child process); CPU time and peak RSS by /usr/bin/time`,
      loadAtStart,
    ),
    rows,
  };
}

function scaleSection(): BenchSection {
  const loadAtStart = load();
  const sample = (n: number, variant: string) =>
    JSON.parse(
      spawnSync(process.execPath, ['--import', 'tsx', join('scripts', 'bench', 'bench-scale-worker.ts'), String(n), variant], {
        cwd: ROOT,
        encoding: 'utf8',
      }).stdout,
    );
  const perObject: Record<string, Stats> = {};
  const rss: Record<string, number> = {};
  for (const n of [100, 1000]) {
    const runs: Record<string, { ms: number; maxRssMiB: number }[]> = { ours: [], 'cdk8s-plus': [] };
    for (let i = 0; i < REPS; i++) for (const variant of Object.keys(runs)) runs[variant].push(sample(n, variant));
    for (const [variant, list] of Object.entries(runs)) {
      perObject[`${variant}@${n}`] = stats(list.map((x) => (1000 * x.ms) / (2 * n)));
      rss[`${variant}@${n}`] = stats(list.map((x) => x.maxRssMiB)).median;
    }
  }
  const us = (s: Stats) => `${s.median.toFixed(0)} us (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  const rows: BenchRow[] = [
    { figure: 'per object, N=100 exposed pods (pod + Service) in one chart', value: us(perObject['ours@100']), ratio: '' },
    {
      figure: 'per object, N=1000',
      value: us(perObject['ours@1000']),
      ratio: `${ratio(perObject['ours@1000'].median, perObject['ours@100'].median)} of N=100`,
      target: target(perObject['ours@1000'].median / perObject['ours@100'].median, 1.2),
    },
    {
      figure: 'the same objects written with cdk8s-plus-28 directly, N=1000',
      value: us(perObject['cdk8s-plus@1000']),
      ratio: `ours is ${ratio(perObject['ours@1000'].median, perObject['cdk8s-plus@1000'].median)}; peak RSS ${rss['ours@1000'].toFixed(0)} vs ${rss['cdk8s-plus@1000'].toFixed(0)} MiB`,
      target: target(perObject['ours@1000'].median / perObject['cdk8s-plus@1000'].median, 1.2),
    },
  ];
  return {
    title: 'Synth scaling',
    ranAt: new Date().toISOString().slice(0, 10),
    how: how(`${REPS} interleaved runs, time inside the process`, loadAtStart),
    rows,
  };
}

function explainSection(): BenchSection {
  const loadAtStart = load();
  const run = (mode: string) =>
    JSON.parse(
      spawnSync(process.execPath, ['--import', 'tsx', join('scripts', 'bench', 'bench-explain-worker.ts'), mode], {
        cwd: ROOT,
        encoding: 'utf8',
      }).stdout,
    );
  run('warm'); // fills the CRD cache
  const warm = Array.from({ length: REPS }, () => run('warm'));
  const cold = Array.from({ length: REPS }, () => run('cold'));
  const s = (list: Record<string, number>[], key: string) => stats(list.map((x) => x[key]));
  const rows: BenchRow[] = [
    {
      figure: '`explain`: loading its schemas (k8s definitions + CRD name index), once per process',
      value: msStats(s(warm, 'loadMs')),
      ratio: '',
      target: `< 300 ms: ${s(warm, 'loadMs').median < 300 ? 'met' : 'not met'}`,
    },
    {
      figure: 'a Tekton field, CRD cache filled / empty (parses the largest CRD)',
      value: `${ms(s(warm, 'crdMs').median)} / ${ms(s(cold, 'crdMs').median)}`,
      ratio: ratio(s(warm, 'crdMs').median, s(cold, 'crdMs').median),
    },
  ];
  return {
    title: 'explain',
    ranAt: new Date().toISOString().slice(0, 10),
    how: how(`${REPS} runs each, time inside the process`, loadAtStart),
    rows,
  };
}

function testsSection(): BenchSection {
  const loadAtStart = load();
  const reps = Math.min(REPS, 2);
  const node = `"${process.execPath}"`;
  // Cold, as on a fresh clone after `npm ci`: no type-check, lint, Prettier or test-validator caches, no build/, jest's transform cache unused.
  const cold = `rm -rf node_modules/.cache/k8s-practice build && exec ${node} scripts/test/test.js --silent --no-cache`;
  const r = compare(
    {
      cold: ['sh', ['-c', cold]],
      // Right after the cold run, nothing changed: what a second `npm test` costs.
      warm: [process.execPath, [join(ROOT, 'scripts', 'test', 'test.js'), '--silent']],
    },
    reps,
    false,
  );
  const pkg = compare(
    { pkg: [process.execPath, [join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', 'jest.package.config.js', '--silent']] },
    1,
    false,
  );
  const cores = availableParallelism();
  const rows: BenchRow[] = [
    {
      figure: '`npm test`, cold (no caches, no build/: a fresh clone after `npm ci`)',
      value: msStats(r.cold),
      ratio: `${cores} cores`,
      target: `<= 60 s on 2 idle cores: ${r.cold.median <= 60_000 ? 'met' : 'not met'}`,
    },
    {
      figure: '`npm test` again, nothing changed (incremental type-checks, ESLint and Prettier caches, compiled test validators)',
      value: msStats(r.warm),
      ratio: `${cores} cores`,
      target: `<= 30 s on 2 idle cores: ${r.warm.median <= 30_000 ? 'met' : 'not met'}`,
    },
    {
      figure: '`npm run test:package` (the package-install suites: npm pack + install, install from git), once',
      value: msStats(pkg.pkg),
      ratio: '',
    },
  ];
  return {
    title: 'Tests',
    ranAt: new Date().toISOString().slice(0, 10),
    how: how(`${reps} interleaved runs, no warm-up, wall time`, loadAtStart),
    rows,
  };
}

const SECTIONS: Record<string, () => BenchSection> = {
  synth: synthSection,
  import: importSection,
  validate: validateSection,
  engine: engineSection,
  scale: scaleSection,
  explain: explainSection,
  tests: testsSection,
};

function main(): void {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in SECTIONS));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  const names = wanted.length > 0 ? wanted : Object.keys(SECTIONS).filter((s) => s !== 'tests');
  const previous: BenchResults = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { machine: '', sections: {} };
  const sections = { ...previous.sections };
  for (const name of names) {
    const section = SECTIONS[name]();
    sections[name] = section;
    console.log(`\n## ${section.title} (${section.how})`);
    for (const row of section.rows)
      console.log(`${row.figure}\n    ${row.value}${row.ratio ? `   ${row.ratio}` : ''}${row.target ? `   [target ${row.target}]` : ''}`);
    write({ machine: `${availableParallelism()} cores, Node ${process.version}, ${process.platform}`, sections }); // after each section: a failure later keeps it
  }
  console.log(`\nwrote ${RESULTS} and ${bench.output}`);
}

/** Writes the results file and the page rendered from it. */
function write(results: BenchResults): void {
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, bench.output), renderBenchPage(results));
}

main();
