/**
 * Tekton's own admission code, offline: `k8s-practice validate` hands the Tekton objects of its
 * input to the `tekton-admission` engine (tools/engines/tekton/cmd/tekton-admission), which
 * decodes each strictly, applies Tekton's defaults and runs its validation, as the Tekton
 * Pipelines v1.15.0 and Triggers v0.37.0 webhooks do on create; each error becomes a
 * `tekton-admission` finding from the engine `Tekton admission`.
 *
 * Two builds of the same Go program, run by the same runner as the validation engine
 * (engine-runner.ts): the native binary (`npm run engines:build -- tekton-admission`, or the
 * `tekton` group; .engines/bin/tekton-admission), used when present, and the WebAssembly one
 * shipped with the package (build/engines/tekton-admission.wasm; a checkout's own build in
 * .engines/wasm/ comes first). The engine receives the texts the validator read (the request
 * on stdin), never a path: it reads nothing else. Without either build, the caller says so:
 * Tekton's own checks are then not made (see {@link TEKTON_UNAVAILABLE_CHECKS}).
 */
import {
  EngineChoice,
  EngineKind,
  EngineOutputOf,
  EngineProgram,
  JudgementOf,
  judgementOf,
  locate,
  nativeBuildPath,
  runEngineSync,
  startEngineProcess,
  wasmBuildPath,
} from './engine-runner';
import { Finding } from '../foundation/finding';

/** The rule code of findings from Tekton's admission code. */
export const TEKTON_ADMISSION_RULE = 'tekton-admission';
/** What judged them, as the findings name it. */
export const TEKTON_ENGINE = 'Tekton admission';

/** What is not checked when no Tekton engine can run. */
export const TEKTON_UNAVAILABLE_CHECKS = [
  "Tekton's strict decoding of Tasks, Pipelines, TaskRuns, PipelineRuns, StepActions, EventListeners, Triggers, TriggerBindings, TriggerTemplates, Interceptors... (fields its Go types do not have; the CRD schemas allow them)",
  "Tekton's defaults and validation on create (step script and command together, undeclared $(params...) and results, duplicate names, when expressions, workspaces, interceptor refs...)",
];

/** A file as the engine receives it: its name (as findings give it) and its text. */
export interface TektonFile {
  readonly name: string;
  readonly text: string;
}

/** The request: the validation engine's shape (only the files of each run are read). */
export interface TektonRequest {
  readonly runs: readonly { readonly name?: string; readonly files: readonly TektonFile[] }[];
}

/** One error of a refusal: a FieldError of Tekton's validation (after knative's merge), or the decoder's error. */
export interface TektonCause {
  readonly message: string;
  readonly paths?: readonly string[];
  readonly details?: string;
}

/** The engine's verdict on one Tekton object (tools/engines/tekton/cmd/tekton-admission/request.go: Result). */
export interface TektonResult {
  readonly file: string;
  readonly document: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly engine: string;
  readonly verdict: 'accepted' | 'refused';
  /** Where it was refused: strict decoding, or SetDefaults then Validate. */
  readonly stage?: 'decode' | 'validation';
  /** The webhook's error text, all causes. */
  readonly message?: string;
  readonly causes?: readonly TektonCause[];
}

/** The engine's answer for one run; `errors` are texts it could not read (already the validator's findings). */
export interface TektonRunResult {
  readonly name?: string;
  readonly results: readonly TektonResult[];
  readonly errors?: readonly string[];
}

type TektonOutput = EngineOutputOf<TektonRunResult>;

/** A judged request, with which build judged it and how long the process took. */
export type TektonJudgement = JudgementOf<TektonRunResult>;

/** The native program: `$K8S_PRACTICE_TEKTON_ADMISSION`, else the checkout's `.engines/bin/tekton-admission`. */
export function tektonAdmissionBinary(): string {
  return nativeBuildPath('K8S_PRACTICE_TEKTON_ADMISSION', 'tekton-admission');
}

/** The WebAssembly file: `$K8S_PRACTICE_TEKTON_WASM`, else a checkout's own build, else the package's. */
export function tektonAdmissionWasm(): string {
  return wasmBuildPath('K8S_PRACTICE_TEKTON_WASM', 'tekton-admission.wasm');
}

function tektonEngine(): EngineProgram {
  return {
    label: 'Tekton admission engine',
    argv0: 'tekton-admission',
    native: tektonAdmissionBinary(),
    wasm: tektonAdmissionWasm(),
    off: 'turned off with --tekton none',
    howToBuild: '`npm run engines:build -- tekton-admission` (native) or `npm run engines:build -- tekton-wasm` (needs Go)',
  };
}

/** The build `choice` picks, or why none can run. */
export function locateTektonEngine(choice: EngineChoice): { kind: EngineKind; path: string } | { unavailable: string } {
  return locate(tektonEngine(), choice);
}

const judgement = judgementOf<TektonRunResult>;

/** Judges a request, blocking until the engine is done. */
export function judgeTektonSync(request: TektonRequest, choice: EngineChoice = 'auto'): TektonJudgement | { unavailable: string } {
  return judgement(runEngineSync<TektonOutput>(tektonEngine(), choice, request));
}

/** Judges a request in a child process; resolves when it is done. */
export function judgeTektonAsync(
  request: TektonRequest,
  choice: EngineChoice = 'auto',
): Promise<TektonJudgement | { unavailable: string }> {
  const started = startEngineProcess<TektonOutput>(tektonEngine(), choice);
  return 'unavailable' in started ? Promise.resolve(started) : started.send(request).answer.then(judgement);
}

/**
 * Whether a text may hold a Tekton object: its apiVersion names `tekton.dev` or
 * `triggers.tekton.dev`. `validate` starts no Tekton engine for an input without one.
 */
export function mayHoldTektonObjects(text: string): boolean {
  return text.includes('tekton.dev/');
}

/** A cause as knative words it (`message: path, path` and the details on the next line). */
function causeText(cause: TektonCause): string {
  const paths = cause.paths && cause.paths.length > 0 ? `: ${cause.paths.join(', ')}` : '';
  return `${cause.message}${paths}${cause.details ? `\n${cause.details}` : ''}`;
}

/**
 * The engine's refusals as findings: one `tekton-admission` error per cause, from the engine
 * `Tekton admission`, at the cause's field when it names exactly one (knative's paths are
 * kubectl-style: `spec.steps[0].script`).
 */
export function tektonFindings(run: TektonRunResult): Finding[] {
  const findings: Finding[] = [];
  for (const result of run.results) {
    if (result.verdict !== 'refused') continue;
    const base = {
      file: result.file,
      kind: result.kind,
      name: result.name,
      namespace: result.namespace,
      code: TEKTON_ADMISSION_RULE,
      severity: 'error' as const,
      engine: result.engine || TEKTON_ENGINE,
    };
    const head = result.stage === 'decode' ? "Tekton's admission cannot decode it" : "Tekton's admission refuses it";
    const causes = result.causes && result.causes.length > 0 ? result.causes : [{ message: result.message ?? 'refused' }];
    for (const cause of causes) {
      const path = result.stage !== 'decode' && cause.paths?.length === 1 ? cause.paths[0]! : '';
      findings.push({ ...base, path, message: `${head}: ${causeText(cause)}` });
    }
  }
  return findings;
}
