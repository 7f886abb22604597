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
 * WASI in a child process (engine-runner.ts, shared with Tekton's admission). One process judges
 * every file of a run. Without either, the caller says so: the API-server checks are then not made
 * (see {@link UNAVAILABLE_CHECKS}).
 */
import {
  ENGINE_CHOICES,
  EngineChoice,
  EngineKind,
  EngineOutputOf,
  EngineProgram,
  JudgementOf,
  judgementOf,
  LocatedEngine,
  locate,
  nativeBuildPath,
  runEngineSync,
  startEngineProcess,
  wasmBuildPath,
} from './engine-runner';
import { Finding, RULE_ENGINE } from '../foundation/finding';

/** The rule code of a request the API server refuses. */
export const API_SERVER_RULE = 'api-server';
/** The rule code of an object a controller creates from an accepted one that the API server would refuse (a FailedCreate event). */
export const API_SERVER_LATER_RULE = 'api-server-later';
/** The rule code of a warning the API server returns (PodSecurity warn/audit, the strategies' warnings). */
export const API_SERVER_WARNING_RULE = 'api-server-warning';
/** The codes of the engine's findings, for `--disable`. */
export const API_SERVER_CODES = [API_SERVER_RULE, API_SERVER_LATER_RULE, API_SERVER_WARNING_RULE] as const;
export { RULE_ENGINE, ENGINE_CHOICES };
export type { EngineChoice, EngineKind };

/**
 * What is not checked when the engine does not run (no build available, `--api-server none`, or
 * a Kubernetes version other than 1.28): the API server's own checks, which our rules leave to it.
 */
export const UNAVAILABLE_CHECKS = [
  "the API server's own validation of built-in objects, which our rules leave to it: names, namespaces, labels, annotations " +
    'and selectors; port numbers and names; node ports (range, type, one port on two Services); pod specs (container and ' +
    'volume names, volume mounts, env names, images, probes, user ids, restart policies); ConfigMap and Secret keys and ' +
    'sizes; Endpoints and EndpointSlice addresses; replicas, rollout and Service fields; workload selectors against their ' +
    'templates; LimitRange bounds; negative quantities; requests above limits; CronJob schedules, tolerations, ' +
    'PodDisruptionBudgets, RBAC roleRefs, Service IPs... (our schemas still check field names, types and enums)',
  'PodSecurity admission on Pods and the Pods controllers create (our psa-* rules check Tekton steps only)',
  'LimitRanger admission on Pods: LimitRange defaults that leave a container with a request above its limit (our rule checks Tekton steps only)',
  'ServiceAccount and Priority admission',
  'kubectl apply refusing objects that have only a generateName',
  'immutable fields on update (--previous)',
];

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

type EngineOutput = EngineOutputOf<EngineRunResult>;

/** A judged run, with which build judged it and how long the process took. */
export type EngineJudgement = JudgementOf<EngineRunResult>;

/** One request: independent runs, each a fresh cluster. */
export interface EngineRequest {
  readonly runs: readonly { readonly name?: string; readonly files: readonly EngineFile[]; readonly previous?: readonly EngineFile[] }[];
  readonly options?: { readonly serviceCIDR?: string; readonly nodePortRange?: string; readonly allowPrivileged?: boolean };
}

/** The native program: `$K8S_PRACTICE_VALIDATION_ENGINE`, else the checkout's `.engines/bin/validation-engine`. */
export function nativeEnginePath(): string {
  return nativeBuildPath('K8S_PRACTICE_VALIDATION_ENGINE', 'validation-engine');
}

/** The WebAssembly file: `$K8S_PRACTICE_VALIDATION_WASM`, else a checkout's own build, else the package's. */
export function wasmEnginePath(): string {
  return wasmBuildPath('K8S_PRACTICE_VALIDATION_WASM', 'validation-engine.wasm');
}

/** The validation engine's builds, as the runner (engine-runner.ts) needs them. */
function validationEngine(): EngineProgram {
  return {
    label: 'validation engine',
    argv0: 'validation-engine',
    native: nativeEnginePath(),
    wasm: wasmEnginePath(),
    off: 'turned off with --api-server none',
    howToBuild: '`npm run engines:build -- validation` (native) or `npm run engines:build -- validation-wasm` (needs Go)',
  };
}

/** The build `choice` picks, or why none can run. */
export function locateEngine(choice: EngineChoice): LocatedEngine | { unavailable: string } {
  return locate(validationEngine(), choice);
}

const judgement = judgementOf<EngineRunResult>;

/** Judges a request, blocking until the engine is done. */
export function judgeSync(request: EngineRequest, choice: EngineChoice = 'auto'): EngineJudgement | { unavailable: string } {
  return judgement(runEngineSync<EngineOutput>(validationEngine(), choice, request));
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
  const started = startEngineProcess<EngineOutput>(validationEngine(), choice);
  if ('unavailable' in started) return started;
  return {
    judge: (request) => {
      const { sent, answer } = started.send(request);
      return { sent, answer: answer.then(judgement) };
    },
    cancel: () => started.cancel(),
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
  base: Omit<Finding, 'path' | 'message' | 'code' | 'severity'>,
  code: string,
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
      findings.push({ ...base, path, code, severity: 'error', message: `${head}: ${line}` });
    }
    return findings;
  }
  // A strict decoding error names each unknown field: one finding per field, so that it meets
  // the schema rule's finding at the same path.
  const fields = [...status.message.matchAll(/(?:unknown|duplicate) field "([^"]+)"/g)].map((m) => m[1]!);
  if (fields.length > 0) return fields.map((field) => ({ ...base, path: prefix + field, code, severity: 'error' as const, message: text }));
  return [{ ...base, path: '', code, severity: 'error', message: text }];
}

/** The head of kubectl's text for an Invalid status (`The Pod "x" is invalid`). */
function invalidHead(message: string | undefined, kind: string, name: string): string {
  const first = (message ?? '').split('\n')[0] ?? '';
  const match = /^(The .* is invalid)/.exec(first);
  return match ? match[1]! : `The ${kind} "${name}" is invalid`;
}

/** An `api-server-warning` on the object `base` names, in the words of the engine that warned. */
function warningFinding(base: Omit<Finding, 'path' | 'code' | 'severity' | 'message'>, warning: EngineText, prefix: string): Finding {
  return {
    ...base,
    engine: warning.engine,
    path: '',
    code: API_SERVER_WARNING_RULE,
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
 * problem: the same field (or one level apart); a missing ServiceAccount and the admission
 * plugin that looks it up; a type or quantity our schema refuses and the body the API server
 * cannot decode; a kind kubectl cannot map.
 */
export function sameProblem(ours: Finding, engine: Finding): boolean {
  if (objectKey(ours) !== objectKey(engine) || engine.severity !== 'error' || ours.severity !== 'error') return false;
  if (samePlace(ours.path, engine.path)) return true;
  const by = engine.engine ?? '';
  if (by === 'ServiceAccount admission') return ours.code === 'missing-reference' && ours.path.endsWith('serviceAccountName');
  if (by === 'kubectl 1.28 (REST mapping)') return ours.code === 'unknown-kind';
  if (engine.code === API_SERVER_RULE && / cannot be handled as a /.test(engine.message))
    return ours.code === 'schema-type' || ours.code === 'invalid-quantity';
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
      alsoBy.get(match)!.add(f.code);
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
