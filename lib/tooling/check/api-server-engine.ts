/**
 * The API server's own checks, offline: `k8s-practice validate` hands the manifests to the
 * validation engine (tools/engines/validation), which runs kube-apiserver 1.28.15's create
 * path (strict decoding, defaulting, the registry strategies, Service allocation, the
 * LimitRanger, ServiceAccount, PodSecurity, Priority and DefaultTolerationSeconds admission
 * plugins) and, for objects given with `--previous`, kubectl apply's patch and the update path.
 *
 * Two builds of the same Go program: the native binary (`npm run engines:build -- validation`,
 * .engines/bin/validation-engine), used when present, and the WebAssembly one shipped with the
 * package (build/engines/validation-engine.wasm; a checkout's own build in .engines/wasm/ comes first), run by Node's
 * WASI in a child process. One process judges every file of a run. Without either, the caller
 * says so: the API-server checks are then not made (see {@link UNAVAILABLE_CHECKS}).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Finding, RULE_ENGINE } from './finding';
import { packageRoot } from './package-root';

/** The rule code of a request the API server refuses. */
export const API_SERVER_RULE = 'api-server';
/** The rule code of an object a controller creates from an accepted one that the API server would refuse (a FailedCreate event). */
export const API_SERVER_LATER_RULE = 'api-server-later';
/** The rule code of a warning the API server returns (PodSecurity warn/audit, the strategies' warnings). */
export const API_SERVER_WARNING_RULE = 'api-server-warning';
/** The codes of the engine's findings, for `--disable`. */
export const API_SERVER_CODES = [API_SERVER_RULE, API_SERVER_LATER_RULE, API_SERVER_WARNING_RULE] as const;
export { RULE_ENGINE };

/** What is not checked when no engine can run. */
export const UNAVAILABLE_CHECKS = [
  "the API server's own validation of every built-in field (probes, volumes, env, tolerations, CronJob schedules, PodDisruptionBudgets, RBAC roleRefs, Service IPs...)",
  'PodSecurity admission on the Pods controllers create (only our psa-* rules run)',
  'ServiceAccount and Priority admission',
  'Service IP and node-port allocation',
  'immutable fields on update (--previous)',
];

/** Which build runs. */
export type EngineKind = 'native' | 'wasm';
/** `--api-server`: which build to use (`auto`: native when built, else WebAssembly). */
export type EngineChoice = 'auto' | EngineKind | 'none';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'native', 'wasm', 'none'];

/** A file as the engine receives it: its name (as findings give it) and its text. */
export interface EngineFile {
  readonly name: string;
  readonly text: string;
}

interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

interface EngineStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly causes?: readonly StatusCause[];
}

interface EngineText {
  readonly engine: string;
  readonly message: string;
}

/** What a controller's create of an object made from an accepted one meets. */
export interface EngineLater {
  readonly controller: string;
  readonly kind: string;
  readonly name: string;
  readonly verdict: 'accepted' | 'refused' | 'not judged';
  readonly engine?: string;
  readonly message?: string;
  readonly status?: EngineStatus;
  readonly warnings?: readonly EngineText[];
}

/** The engine's verdict on one object (tools/engines/validation/cmd/validation-engine/judge.go: Result). */
export interface EngineResult {
  readonly file: string;
  readonly document: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly operation: 'create' | 'update' | 'unchanged' | 'none';
  readonly verdict: 'accepted' | 'refused' | 'not judged';
  readonly engine: string;
  /** As kubectl prints it. */
  readonly message?: string;
  readonly status?: EngineStatus;
  readonly warnings?: readonly EngineText[];
  readonly later?: readonly EngineLater[];
  readonly notes?: readonly string[];
}

/** The engine's answer for one run. */
export interface EngineRunResult {
  readonly name?: string;
  readonly results: readonly EngineResult[];
  readonly errors?: readonly string[];
  readonly unknowable: readonly string[];
}

interface EngineOutput {
  readonly engine: string;
  readonly runs: readonly EngineRunResult[];
  readonly timings: { readonly judgeMs: number; readonly objects: number };
}

/** A judged run, with which build judged it and how long the process took. */
export interface EngineJudgement {
  readonly kind: EngineKind;
  /** The program or WebAssembly file that ran. */
  readonly path: string;
  /** e.g. `kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline` */
  readonly engine: string;
  readonly runs: readonly EngineRunResult[];
  /** Wall time of the engine process, and the engine's own judging time. */
  readonly ms: number;
  readonly judgeMs: number;
  /** When the engine process was started, in ms since this process started. */
  readonly startedAtMs: number;
}

/** One request: independent runs, each a fresh cluster. */
export interface EngineRequest {
  readonly runs: readonly { readonly name?: string; readonly files: readonly EngineFile[]; readonly previous?: readonly EngineFile[] }[];
  readonly options?: { readonly serviceCIDR?: string; readonly nodePortRange?: string; readonly allowPrivileged?: boolean };
}

/** The native program: `$K8S_PRACTICE_VALIDATION_ENGINE`, else the checkout's `.engines/bin/validation-engine`. */
export function nativeEnginePath(): string {
  return process.env.K8S_PRACTICE_VALIDATION_ENGINE ?? join(packageRoot(), '.engines', 'bin', 'validation-engine');
}

/**
 * The WebAssembly file: `$K8S_PRACTICE_VALIDATION_WASM`, else a checkout's own build
 * (`.engines/wasm/`, rebuilt by build.sh as the sources change), else the one the package ships
 * (`build/engines/`, copied by `prepare`).
 */
export function wasmEnginePath(): string {
  const fromEnv = process.env.K8S_PRACTICE_VALIDATION_WASM;
  if (fromEnv) return fromEnv;
  const checkout = join(packageRoot(), '.engines', 'wasm', 'validation-engine.wasm');
  return existsSync(checkout) ? checkout : join(packageRoot(), 'build', 'engines', 'validation-engine.wasm');
}

/** The build `choice` picks, or why none can run. */
export function locateEngine(choice: EngineChoice): { kind: EngineKind; path: string } | { unavailable: string } {
  if (choice === 'none') return { unavailable: 'turned off with --api-server none' };
  const native = nativeEnginePath();
  const wasm = wasmEnginePath();
  if (choice !== 'wasm' && existsSync(native)) return { kind: 'native', path: native };
  if (choice !== 'native' && existsSync(wasm)) return { kind: 'wasm', path: wasm };
  const wanted = choice === 'native' ? native : choice === 'wasm' ? wasm : `${native} or ${wasm}`;
  return {
    unavailable: `no validation engine at ${wanted}: build it with \`npm run engines:build -- validation\` (native) or \`npm run engines:build -- validation-wasm\` (needs Go)`,
  };
}

/**
 * Runs the WebAssembly engine in a child Node: WASI preview1, the request on stdin (the engine
 * waits for it), the answer in a file of a private temporary folder (WASI writes to a pipe that
 * Node made non-blocking can lose output), the engine's exit status as the process's. V8 compiles
 * it with its baseline compiler only (Liftoff): the optimizing tier recompiles hot functions in
 * background threads, which on two busy cores made one validation of dist/ 3-4 times slower.
 * Lazy validation skips validating the functions never called (most of the 100 MB). Fast API
 * calls are off: Node's WASI calls through them keep a pointer into the module's memory that
 * Go's memory.grow can move, and Node 20 then crashes (SIGSEGV) on larger inputs
 * (nodejs/node#53087; seen here on the 1 MiB ConfigMap case). A flag this Node's V8 does not
 * know is ignored (one stderr line).
 *
 * The module is a snapshot of the engine after Go's initialisation
 * (tools/engines/validation/wasm/snapshot.js): it is not started but called (`validate`), and
 * the monotonic clock it reads continues from the snapshot's last reading, since Go's runtime
 * holds readings of it (a clock that went back, as on a machine with a shorter uptime than the
 * one that built it, would leave its timers far in the future). A Go exit (proc_exit) ends
 * this process with its status.
 *
 * The request is read here while the module compiles, into a file that is the engine's stdin:
 * so the CLI's write of a request larger than a pipe holds completes at once instead of waiting
 * for the engine to start reading (see {@link StartedEngine.judge}).
 */
const WASM_RUNNER = `
const v8 = require('node:v8');
v8.setFlagsFromString('--liftoff-only');
v8.setFlagsFromString('--wasm-lazy-validation');
v8.setFlagsFromString('--no-turbo-fast-api-calls');
const { WASI } = require('node:wasi');
const { openSync, readFileSync, writeSync } = require('node:fs');
const [wasm, answer, requestFile] = process.argv.slice(1);
const request = openSync(requestFile, 'w+');
const chunks = [];
const received = new Promise((resolve) => process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', resolve));
const wasi = new WASI({ version: 'preview1', env: {}, preopens: {}, stdin: request, stdout: openSync(answer, 'w'), returnOnExit: false });
const imports = wasi.getImportObject();
const wasiImport = imports.wasi_snapshot_preview1;
const clock = wasiImport.clock_time_get;
let memory;
let shift = 0n;
wasiImport.clock_time_get = (id, precision, at) => {
  const errno = clock(id, precision, at);
  if (id === 1 && errno === 0) {
    const view = new DataView(memory.buffer);
    view.setBigUint64(at, BigInt.asUintN(64, view.getBigUint64(at, true) + shift), true);
  }
  return errno;
};
WebAssembly.compile(readFileSync(wasm))
  .then(async (module) => {
    const [section] = WebAssembly.Module.customSections(module, 'k8s-practice-snapshot');
    if (!section) throw new Error(wasm + ' is not a snapshot of the engine: rebuild it (npm run engines:build -- validation-wasm)');
    const { monotonicNs } = JSON.parse(Buffer.from(section).toString());
    const instance = await WebAssembly.instantiate(module, imports);
    memory = instance.exports.memory;
    await received;
    writeSync(request, Buffer.concat(chunks), 0, undefined, 0);
    shift = BigInt(monotonicNs) + 1000000n - process.hrtime.bigint();
    wasi.initialize(instance);
    process.exitCode = instance.exports.validate();
  })
  .catch((error) => { console.error(String((error && error.stack) || error)); process.exit(3); });
`;

/** A run's command, and where its answer is read from (stdout, or the WebAssembly runner's file). */
interface Invocation {
  readonly program: string;
  readonly args: string[];
  readonly answerFile?: string;
  readonly cleanUp: () => void;
}

/**
 * The arguments of a Node that runs the WebAssembly engine `wasm` on the request of its stdin
 * (kept in `requestFile`), writing the answer to `answerFile`; both in a folder of this user's.
 */
export function wasmRunnerArgs(wasm: string, answerFile: string, requestFile: string): string[] {
  return ['--no-warnings', '-e', WASM_RUNNER, wasm, answerFile, requestFile];
}

function invocation(kind: EngineKind, path: string): Invocation {
  if (kind === 'native') return { program: path, args: ['--request', '-'], cleanUp: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'k8s-practice-engine-')); // mode 0700
  return {
    program: process.execPath,
    args: wasmRunnerArgs(path, join(dir, 'answer.json'), join(dir, 'request.json')),
    answerFile: join(dir, 'answer.json'),
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function answerOf(run: Invocation, stdout: string): string {
  return run.answerFile ? (existsSync(run.answerFile) ? readFileSync(run.answerFile, 'utf8') : '') : stdout;
}

function parseOutput(
  startedAtMs: number,
  kind: EngineKind,
  path: string,
  status: number | null,
  signal: string | null,
  stdout: string,
  stderr: string,
  ms: number,
): EngineJudgement | { unavailable: string } {
  if (status !== 0 && status !== 1) {
    const why = stderr.trim().split('\n').slice(-5).join(' ');
    return { unavailable: `the ${kind} validation engine (${path}) failed (exit ${status ?? signal}): ${why}` };
  }
  const output = JSON.parse(stdout) as EngineOutput;
  return { kind, path, engine: output.engine, runs: output.runs, ms, judgeMs: output.timings.judgeMs, startedAtMs };
}

/** Judges a request, blocking until the engine is done. */
export function judgeSync(request: EngineRequest, choice: EngineChoice = 'auto'): EngineJudgement | { unavailable: string } {
  const located = locateEngine(choice);
  if ('unavailable' in located) return located;
  const run = invocation(located.kind, located.path);
  try {
    const started = performance.now();
    const startedAtMs = process.uptime() * 1000;
    const child = spawnSync(run.program, run.args, { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 30 });
    if (child.error)
      return { unavailable: `the ${located.kind} validation engine (${located.path}) did not start: ${child.error.message}` };
    const ms = performance.now() - started;
    return parseOutput(startedAtMs, located.kind, located.path, child.status, child.signal, answerOf(run, child.stdout), child.stderr, ms);
  } catch (error) {
    return { unavailable: `the ${located.kind} validation engine (${located.path}) answered something unreadable: ${String(error)}` };
  } finally {
    run.cleanUp();
  }
}

/** An engine process started before its request is ready (its start-up overlaps the reading of the manifests). */
export interface StartedEngine {
  /**
   * Sends the request. `sent` resolves once all of it is written to the engine's pipe (or the
   * engine is gone): the caller's own rules run synchronously, and what Node has not written by
   * then (a request larger than the pipe holds) would wait for them, and the engine with it.
   * `answer` resolves with the engine's answer.
   */
  judge(request: EngineRequest): { readonly sent: Promise<void>; readonly answer: Promise<EngineJudgement | { unavailable: string }> };
  /** Stops the process unused (the command ended before it needed the engine). */
  cancel(): void;
}

/**
 * Starts the engine `choice` picks and returns at once; the request follows with `judge`. The
 * caller reads the manifests and runs our own rules meanwhile (on the other core).
 */
export function startEngine(choice: EngineChoice = 'auto'): StartedEngine | { unavailable: string } {
  const located = locateEngine(choice);
  if ('unavailable' in located) return located;
  const run = invocation(located.kind, located.path);
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
  const answer = new Promise<EngineJudgement | { unavailable: string }>((resolve) => {
    child.on('error', (error) =>
      resolve({ unavailable: `the ${located.kind} validation engine (${located.path}) did not start: ${error.message}` }),
    );
    child.on('close', (status, signal) => {
      try {
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        const ms = (ended || performance.now()) - started;
        resolve(parseOutput(startedAtMs, located.kind, located.path, status, signal, answerOf(run, stdout), stderr, ms));
      } catch (error) {
        resolve({ unavailable: `the ${located.kind} validation engine (${located.path}) answered something unreadable: ${String(error)}` });
      }
    });
  }).finally(run.cleanUp);
  return {
    judge: (request) => {
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

/** Starts the engine and judges a request (the request is ready: nothing to overlap). */
export function judgeAsync(request: EngineRequest, choice: EngineChoice = 'auto'): Promise<EngineJudgement | { unavailable: string }> {
  const started = startEngine(choice);
  return 'unavailable' in started ? Promise.resolve(started) : started.judge(request).answer;
}

/** Where in a workload the fields of an object its controllers make are: a Pod's `spec.x` is a Deployment's `spec.template.spec.x`. */
function laterPrefix(ownerKind: string, later: EngineLater): string {
  if (later.kind === 'PersistentVolumeClaim') return 'spec.volumeClaimTemplates[]'; // which template: not known, so no path
  if (ownerKind === 'CronJob') return later.kind === 'Job' ? 'spec.jobTemplate.' : 'spec.jobTemplate.spec.template.';
  if (later.kind === 'ReplicaSet' || later.kind === 'Job') return '';
  return 'spec.template.';
}

/** The findings of one cause list: one per cause, each with kubectl's text for that cause alone. */
function statusFindings(
  base: Omit<Finding, 'path' | 'message' | 'rule' | 'severity'>,
  rule: string,
  status: EngineStatus,
  head: string,
  prefix: string,
  text: string,
): Finding[] {
  const findings: Finding[] = [];
  if (status.reason === 'Invalid' && status.causes && status.causes.length > 0) {
    const seen = new Set<string>();
    for (const cause of status.causes) {
      const line = `${cause.field ?? ''}: ${cause.message}`;
      if (seen.has(line)) continue;
      seen.add(line);
      const path = cause.field && !cause.field.startsWith('[') ? prefix + cause.field : '';
      findings.push({ ...base, path, rule, severity: 'error', message: `${head}: ${line}` });
    }
    return findings;
  }
  // A strict decoding error names each unknown field: one finding per field, so that it meets
  // the schema rule's finding at the same path.
  const fields = [...status.message.matchAll(/(?:unknown|duplicate) field "([^"]+)"/g)].map((m) => m[1]!);
  if (fields.length > 0) return fields.map((field) => ({ ...base, path: prefix + field, rule, severity: 'error' as const, message: text }));
  return [{ ...base, path: '', rule, severity: 'error', message: text }];
}

/** The head of kubectl's text for an Invalid status (`The Pod "x" is invalid`). */
function invalidHead(message: string | undefined, kind: string, name: string): string {
  const first = (message ?? '').split('\n')[0] ?? '';
  const match = /^(The .* is invalid)/.exec(first);
  return match ? match[1]! : `The ${kind} "${name}" is invalid`;
}

/** An `api-server-warning` on the object `base` names, in the words of the engine that warned. */
function warningFinding(base: Omit<Finding, 'path' | 'rule' | 'severity' | 'message'>, warning: EngineText, prefix: string): Finding {
  return {
    ...base,
    engine: warning.engine,
    path: '',
    rule: API_SERVER_WARNING_RULE,
    severity: 'warning',
    message: `${prefix}${warning.message}`,
  };
}

/**
 * The engine's verdicts as findings: a refusal is an `api-server` error per cause (kubectl's
 * text, the field as path), a refusal of an object a controller makes is an `api-server-later`
 * error on the workload, warnings are `api-server-warning` warnings. Each names the engine.
 */
export function engineFindings(run: EngineRunResult): Finding[] {
  const findings: Finding[] = [];
  for (const result of run.results) {
    const base = { file: result.file, kind: result.kind, name: result.name, namespace: result.namespace, engine: result.engine };
    if (result.verdict === 'refused' && result.status) {
      const head = invalidHead(result.message, result.kind, result.name);
      findings.push(...statusFindings(base, API_SERVER_RULE, result.status, head, '', result.message ?? result.status.message));
    }
    for (const warning of result.warnings ?? []) findings.push(warningFinding(base, warning, ''));
    for (const later of result.later ?? []) {
      if (later.verdict === 'refused' && later.status) {
        const head = `the ${later.controller}'s ${later.kind} ${later.name} would be refused`;
        const prefix = laterPrefix(result.kind, later);
        const text = `${head}: ${later.message ?? later.status.message}`;
        const made = statusFindings(
          { ...base, engine: later.engine ?? result.engine },
          API_SERVER_LATER_RULE,
          later.status,
          `${head}: ${invalidHead(later.status.message, later.kind, later.name)}`,
          prefix,
          text,
        );
        findings.push(...made.map((f) => (f.path.includes('[]') ? { ...f, path: '' } : f)));
      }
      for (const warning of later.warnings ?? [])
        findings.push(warningFinding(base, warning, `the ${later.controller}'s ${later.kind} ${later.name}: `));
    }
  }
  return findings;
}

/** The objects the engine does not judge, by reason (CRDs...), for the summary. */
export function notJudged(run: EngineRunResult): EngineResult[] {
  return run.results.filter((r) => r.verdict === 'not judged');
}

const objectKey = (f: { file: string; kind: string; namespace: string; name: string }) => `${f.file}\0${f.kind}\0${f.namespace}\0${f.name}`;

/** A field path as segments, whichever way a map key is written: `data["a b"]`, `data[a b]`, `spec.hard.pods`, `spec.hard[pods]`. */
function segments(path: string): string[] {
  return [...path.matchAll(/([^.[\]]+)|\[(?:"((?:[^"\\]|\\.)*)"|([^\]]*))\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** Whether two field paths name the same field, or one names a field of the other at most one level down (`metadata.labels` and `metadata.labels.app`). */
function samePlace(a: string, b: string): boolean {
  if (a === '' || b === '') return false;
  const [short, long] = [segments(a), segments(b)].sort((x, y) => x.length - y.length) as [string[], string[]];
  return long.length - short.length <= 1 && short.every((segment, i) => segment === long[i]);
}

/**
 * Whether a finding of our rules and an error of the engine on the same object are the same
 * problem: the same field (or one level apart); our PodSecurity rules and PodSecurity's
 * refusal; a missing ServiceAccount or PriorityClass and the admission plugin that looks it up;
 * a type or quantity our schema refuses and the body the API server cannot decode; a kind
 * kubectl cannot map; a Deployment selector that misses its template.
 */
export function sameProblem(ours: Finding, engine: Finding): boolean {
  if (objectKey(ours) !== objectKey(engine) || engine.severity !== 'error' || ours.severity !== 'error') return false;
  if (samePlace(ours.path, engine.path)) return true;
  const by = engine.engine ?? '';
  if (by === 'PodSecurity') return ours.rule.startsWith('psa-');
  if (by === 'ServiceAccount admission') return ours.rule === 'missing-reference' && ours.path.endsWith('serviceAccountName');
  if (by === 'Priority admission') return ours.path.endsWith('priorityClassName');
  if (by === 'kubectl 1.28 (REST mapping)') return ours.rule === 'unknown-kind';
  if (by === 'kubectl 1.28 (apply)') return ours.rule === 'generate-name';
  if (engine.rule === API_SERVER_RULE && / cannot be handled as a /.test(engine.message))
    return ours.rule === 'schema-type' || ours.rule === 'invalid-quantity';
  if (ours.rule === 'selector-template-mismatch') return ['spec.template.metadata.labels', 'spec.selector'].includes(engine.path);
  return false;
}

/**
 * Drops a finding of our own rules when the engine reports the same problem on the same object
 * ({@link sameProblem}): the API server's words win, and its finding says which of our rules
 * found it too. Our other findings are kept, whoever else reports on that object.
 */
export function mergeFindings(ours: readonly Finding[], engine: readonly Finding[]): { findings: Finding[]; dropped: number } {
  const byObject = new Map<string, Finding[]>();
  for (const f of engine)
    if (f.severity === 'error') (byObject.get(objectKey(f)) ?? byObject.set(objectKey(f), []).get(objectKey(f))!).push(f);
  const alsoBy = new Map<Finding, Set<string>>();
  const kept: Finding[] = [];
  for (const f of ours) {
    const match = (byObject.get(objectKey(f)) ?? []).find((e) => sameProblem(f, e));
    if (match) {
      if (!alsoBy.has(match)) alsoBy.set(match, new Set());
      alsoBy.get(match)!.add(f.rule);
      continue;
    }
    kept.push(f);
  }
  const merged = engine.map((f) => {
    const rules = alsoBy.get(f);
    return rules ? { ...f, message: `${f.message} (also found by k8s-practice rule ${[...rules].sort().join(', ')})` } : f;
  });
  return { findings: [...kept, ...merged], dropped: ours.length - kept.length };
}
