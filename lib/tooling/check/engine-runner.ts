/**
 * How `k8s-practice validate` runs its Go engines: the validation engine (kube-apiserver
 * 1.28.15's own checks, api-server-engine.ts) and Tekton's admission (tekton-admission.ts). Each
 * has two builds of the same Go program: a native binary, used when present, and a WebAssembly
 * one (GOOS=wasip1) shipped with the package, run by Node's WASI in a child Node. Both read one
 * JSON request on stdin (`--request -`) and answer with one JSON document; the exit code is 0
 * (nothing refused), 1 (something refused) or anything else (the engine failed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../foundation/package-root';

/** Which build runs. */
export type EngineKind = 'native' | 'wasm';
/** Which build to use (`auto`: native when built, else WebAssembly). */
export type EngineChoice = 'auto' | EngineKind | 'none';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'native', 'wasm', 'none'];

/** One engine: where its builds are and how to say that none can run. */
export interface EngineProgram {
  /** How messages name it: `validation engine`, `Tekton admission engine`. */
  readonly label: string;
  /** The program name the WebAssembly build sees as its argv[0]. */
  readonly argv0: string;
  /** The native program. */
  readonly native: string;
  /** The WebAssembly file. */
  readonly wasm: string;
  /** Why it does not run with choice `none` (`turned off with --api-server none`). */
  readonly off: string;
  /** What builds it, for the message when neither build is there: `npm run engines:build -- validation` (native)... */
  readonly howToBuild: string;
}

/** A native engine: `$ENV_VAR`, else the checkout's `.engines/bin/NAME` (built by tools/engines/build.sh). */
export function nativeBuildPath(envVar: string, name: string): string {
  return process.env[envVar] ?? join(packageRoot(), '.engines', 'bin', name);
}

/**
 * A WebAssembly engine: `$ENV_VAR`, else a checkout's own build (`.engines/wasm/`, rebuilt by
 * build.sh as the sources change), else the one the package ships (`build/engines/`, copied by
 * `prepare`).
 */
export function wasmBuildPath(envVar: string, file: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const checkout = join(packageRoot(), '.engines', 'wasm', file);
  return existsSync(checkout) ? checkout : join(packageRoot(), 'build', 'engines', file);
}

/** A build found on disk. */
export interface LocatedEngine {
  readonly kind: EngineKind;
  readonly path: string;
}

/** The build `choice` picks, or why none can run. */
export function locate(program: EngineProgram, choice: EngineChoice): LocatedEngine | { unavailable: string } {
  if (choice === 'none') return { unavailable: program.off };
  if (choice !== 'wasm' && existsSync(program.native)) return { kind: 'native', path: program.native };
  if (choice !== 'native' && existsSync(program.wasm)) return { kind: 'wasm', path: program.wasm };
  const wanted = choice === 'native' ? program.native : choice === 'wasm' ? program.wasm : `${program.native} or ${program.wasm}`;
  return { unavailable: `no ${program.label} at ${wanted}: build it with ${program.howToBuild}` };
}

/**
 * Runs a WebAssembly engine in a child Node: WASI preview1, the request on stdin, the answer in a
 * file of a private temporary folder (WASI writes to a pipe that Node made non-blocking can lose
 * output), the engine's exit code as the process's. V8 compiles it with its baseline compiler
 * only (Liftoff): the optimizing tier recompiles hot functions in background threads, which on
 * two busy cores made one validation of dist/ 3-4 times slower. Lazy validation skips validating
 * the functions never called (most of the module). Fast API calls are off: Node's WASI calls
 * through them keep a pointer into the module's memory that Go's memory.grow can move, and Node
 * 20 then crashes (SIGSEGV) on larger inputs (nodejs/node#53087; seen here on the 1 MiB
 * ConfigMap case). A flag this Node's V8 does not know is ignored (one stderr line).
 *
 * The request is read here while the module compiles, into a file that is the engine's stdin:
 * so the CLI's write of a request larger than a pipe holds completes at once instead of waiting
 * for the engine to start reading (see {@link StartedProcess.send}).
 *
 * A module with a `k8s-practice-snapshot` section (the validation engine:
 * tools/engines/validation/wasm/snapshot.js) is a snapshot taken after Go's initialisation: it
 * is not started but called (`validate`), and the monotonic clock it reads continues from the
 * snapshot's last reading, since Go's runtime holds readings of it (a clock that went back, as on
 * a machine with a shorter uptime than the one that built it, would leave its timers far in the
 * future). Any other module is a WASI command, started with `--request -`. A Go exit (proc_exit)
 * ends this process with its status.
 */
const WASM_RUNNER = `
const v8 = require('node:v8');
v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--wasm-lazy-validation');
v8.setFlagsFromString('--no-turbo-fast-api-calls');
const { WASI } = require('node:wasi');
const { openSync, readFileSync, writeSync } = require('node:fs');
const [wasm, answer, requestFile, argv0] = process.argv.slice(1);
const request = openSync(requestFile, 'w+');
const chunks = [];
const received = new Promise((resolve) => process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', resolve));
const wasi = new WASI({ version: 'preview1', args: [argv0, '--request', '-'], env: {}, preopens: {}, stdin: request, stdout: openSync(answer, 'w'), returnOnExit: false });
const imports = wasi.getImportObject();
const wasiImport = imports.wasi_snapshot_preview1;
const clock = wasiImport.clock_time_get;
let memory;
let shift = 0n;
wasiImport.clock_time_get = (id, precision, at) => {
  const errno = clock(id, precision, at);
  if (shift !== 0n && id === 1 && errno === 0) {
    const view = new DataView(memory.buffer);
    view.setBigUint64(at, BigInt.asUintN(64, view.getBigUint64(at, true) + shift), true);
  }
  return errno;
};
WebAssembly.compile(readFileSync(wasm))
  .then(async (module) => {
    const [section] = WebAssembly.Module.customSections(module, 'k8s-practice-snapshot');
    const instance = await WebAssembly.instantiate(module, imports);
    memory = instance.exports.memory;
    await received;
    writeSync(request, Buffer.concat(chunks), 0, undefined, 0);
    if (!section) return wasi.start(instance);
    const { monotonicNs } = JSON.parse(Buffer.from(section).toString());
    shift = BigInt(monotonicNs) + 1000000n - process.hrtime.bigint();
    wasi.initialize(instance);
    process.exitCode = instance.exports.validate();
  })
  .catch((error) => { console.error(String((error && error.stack) || error)); process.exit(3); });
`;

/**
 * The arguments of a Node that runs the WebAssembly engine `wasm` on the request of its stdin
 * (kept in `requestFile`), writing the answer to `answerFile`; both in a folder of this user's.
 * `argv0` is the program name a WASI command sees.
 */
export function wasmRunnerArgs(wasm: string, answerFile: string, requestFile: string, argv0 = 'engine'): string[] {
  return ['--no-warnings', '-e', WASM_RUNNER, wasm, answerFile, requestFile, argv0];
}

/** A run's command, and where its answer is read from (stdout, or the WebAssembly runner's file). */
interface Invocation {
  readonly program: string;
  readonly args: string[];
  readonly answerFile?: string;
  readonly cleanUp: () => void;
}

function invocation(program: EngineProgram, located: LocatedEngine): Invocation {
  if (located.kind === 'native') return { program: located.path, args: ['--request', '-'], cleanUp: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'k8s-practice-engine-')); // mode 0700
  return {
    program: process.execPath,
    args: wasmRunnerArgs(located.path, join(dir, 'answer.json'), join(dir, 'request.json'), program.argv0),
    answerFile: join(dir, 'answer.json'),
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function answerOf(run: Invocation, stdout: string): string {
  return run.answerFile ? (existsSync(run.answerFile) ? readFileSync(run.answerFile, 'utf8') : '') : stdout;
}

/** What an engine process answered: its JSON, parsed, with which build ran and how long. */
export interface EngineAnswer<T> extends LocatedEngine {
  readonly output: T;
  /** Wall time of the engine process. */
  readonly ms: number;
  /** When the engine process was started, in ms since this process started. */
  readonly startedAtMs: number;
}

type Answer<T> = EngineAnswer<T> | { unavailable: string };

/** What an engine answers a request with: its name, one result per run, how long it judged. */
export interface EngineOutputOf<Run> {
  readonly engine: string;
  readonly runs: readonly Run[];
  readonly timings: { readonly judgeMs: number; readonly objects: number };
}

/** A judged request, with which build judged it and how long the process took. */
export interface JudgementOf<Run> {
  readonly kind: EngineKind;
  /** The program or WebAssembly file that ran. */
  readonly path: string;
  /** What judged, as the engine names itself: `kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline`... */
  readonly engine: string;
  readonly runs: readonly Run[];
  /** Wall time of the engine process, and the engine's own judging time. */
  readonly ms: number;
  readonly judgeMs: number;
  /** When the engine process was started, in ms since this process started. */
  readonly startedAtMs: number;
}

/** An engine's answer as a judgement (or why there is none). */
export function judgementOf<Run>(answer: Answer<EngineOutputOf<Run>>): JudgementOf<Run> | { unavailable: string } {
  if ('unavailable' in answer) return answer;
  const { kind, path, output, ms, startedAtMs } = answer;
  return { kind, path, engine: output.engine, runs: output.runs, ms, judgeMs: output.timings.judgeMs, startedAtMs };
}

function parse<T>(
  program: EngineProgram,
  located: LocatedEngine,
  run: { status: number | null; signal: string | null; answer: string; stderr: string; ms: number; startedAtMs: number },
): Answer<T> {
  const which = `the ${located.kind} ${program.label} (${located.path})`;
  if (run.status !== 0 && run.status !== 1) {
    const why = run.stderr.trim().split('\n').slice(-5).join(' ');
    return { unavailable: `${which} failed (exit ${run.status ?? run.signal}): ${why}` };
  }
  try {
    return { ...located, output: JSON.parse(run.answer) as T, ms: run.ms, startedAtMs: run.startedAtMs };
  } catch (error) {
    return { unavailable: `${which} answered something unreadable: ${String(error)}` };
  }
}

/** Sends `request` to the build `choice` picks, blocking until it is done. */
export function runEngineSync<T>(program: EngineProgram, choice: EngineChoice, request: unknown): Answer<T> {
  const located = locate(program, choice);
  if ('unavailable' in located) return located;
  const run = invocation(program, located);
  try {
    const started = performance.now();
    const startedAtMs = process.uptime() * 1000;
    const child = spawnSync(run.program, run.args, { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 30 });
    // EPIPE: the engine exited before reading its request; its exit code and stderr say why.
    if (child.error && (child.error as NodeJS.ErrnoException).code !== 'EPIPE')
      return { unavailable: `the ${located.kind} ${program.label} (${located.path}) did not start: ${child.error.message}` };
    const ms = performance.now() - started;
    return parse<T>(program, located, {
      status: child.status,
      signal: child.signal,
      answer: answerOf(run, child.stdout),
      stderr: child.stderr,
      ms,
      startedAtMs,
    });
  } finally {
    run.cleanUp();
  }
}

/** An engine process started before its request is ready (its start-up overlaps the reading of the manifests). */
export interface StartedProcess<T> {
  /**
   * Sends the request. `sent` resolves once all of it is written to the engine's pipe (or the
   * engine is gone): a caller whose own work then runs synchronously would otherwise hold back
   * what Node has not written yet (a request larger than the pipe holds), and the engine with it.
   * `answer` resolves with the engine's answer.
   */
  send(request: unknown): { readonly sent: Promise<void>; readonly answer: Promise<Answer<T>> };
  /** Stops the process unused (the command ended before it needed the engine). */
  cancel(): void;
}

/** Starts the build `choice` picks and returns at once; the request follows with `send`. */
export function startEngineProcess<T>(program: EngineProgram, choice: EngineChoice): StartedProcess<T> | { unavailable: string } {
  const located = locate(program, choice);
  if ('unavailable' in located) return located;
  const run = invocation(program, located);
  const started = performance.now();
  const startedAtMs = process.uptime() * 1000;
  const child = spawn(run.program, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let ended = 0;
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.on('exit', () => {
    ended = performance.now();
  });
  child.stdin.on('error', () => undefined); // an engine that exits early closes its stdin
  const answer = new Promise<Answer<T>>((resolve) => {
    child.on('error', (error) =>
      resolve({ unavailable: `the ${located.kind} ${program.label} (${located.path}) did not start: ${error.message}` }),
    );
    child.on('close', (status, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const ms = (ended || performance.now()) - started;
      resolve(parse<T>(program, located, { status, signal, answer: answerOf(run, stdout), stderr, ms, startedAtMs }));
    });
  }).finally(run.cleanUp);
  return {
    send: (request) => {
      const sent = new Promise<void>((resolve) => {
        child.stdin.end(JSON.stringify(request), () => resolve());
        void answer.then(() => resolve());
      });
      return { sent, answer };
    },
    cancel: () => {
      child.kill();
      void answer;
    },
  };
}
