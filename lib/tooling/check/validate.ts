/**
 * The offline validator: schema validation plus our rules (what the API server does not check
 * on a single object), over objects, YAML text, or files and folders; with `apiServer`, also
 * kube-apiserver 1.28.15's own checks, run by the validation engine (api-server-engine.ts), as
 * `k8s-practice validate` does by default.
 */
import { performance } from 'node:perf_hooks';
import {
  EngineChoice,
  EngineFile,
  engineFindings,
  EngineJudgement,
  EngineKind,
  judgeSync,
  mergeFindings,
  notJudged,
  UNAVAILABLE_CHECKS,
} from './api-server-engine';
import { Finding, sortFindings } from '../foundation/finding';
import { loadManifests, ManifestObject, parseManifestText, readManifestTexts } from '../foundation/manifest';
import { DEFAULT_KUBERNETES_VERSION } from '../foundation/kubernetes-versions';
import { RuleContext } from './rule-context';
import { severityAllowed } from './rule-definition';
import { codeOf, DisabledChecks, resolveDisabled, RULES } from './rule-registry';
import { SchemaTimings, SchemaValidator, SchemaValidatorOptions } from './schema-validator';

export { RULES };

/** Options of {@link validatePaths}, {@link validateYaml} and {@link validateObjects}. */
export interface ValidateOptions extends SchemaValidatorOptions {
  /**
   * Rule ids (e.g. `services`: every finding of that rule) or finding codes (e.g. `image-not-pinned`,
   * from whichever rule reports it) not to report. The result says what was off and how many findings it hid.
   * An entry that is neither throws an `UnknownRuleError` naming the allowed values.
   * @default none
   */
  readonly disable?: readonly string[];
  /**
   * Whether kube-apiserver 1.28.15's own checks judge the built-in objects too (the validation
   * engine, as `k8s-practice validate --api-server` runs it): `auto` (the native build when built,
   * else the WebAssembly build shipped with the package), `native`, `wasm`, or `none`. Our rules
   * leave the API server's single-object checks of built-in objects to it: without it, the checks
   * `result.apiServer.notChecked` lists are not made (names, labels, ports, pod specs, Pod
   * Security of pods and workloads, ...). `auto` without any build judges without it (`result.apiServer`
   * says why); `native` or `wasm` when that build is missing throws. Made for `kubernetesVersion`
   * 1.28 only. The engine is a child process: about 0.1 s a call for the native build, 1 s or more
   * for the WebAssembly one.
   * @default 'none'
   */
  readonly apiServer?: EngineChoice;
}

/** What the API-server checks did in a validation (`k8s-practice validate --format json`: `summary.apiServer`). */
export type ApiServerSummary =
  | {
      /** e.g. `kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline` */
      readonly engine: string;
      readonly build: EngineKind;
      /** The program or WebAssembly file that ran. */
      readonly path: string;
      /** How many objects it judged. */
      readonly judged: number;
      /** The objects it did not judge (custom resources, built-in kinds it does not model), and why. */
      readonly notJudged: readonly { readonly file: string; readonly kind: string; readonly name: string; readonly why: string }[];
      /** Findings of our rules dropped because the engine reported the same problem (its finding names our rule). */
      readonly ourFindingsAlsoFoundByTheEngine: number;
      /** Inputs the engine could not read. */
      readonly errors: readonly string[];
      /** What no offline check can know about this input. */
      readonly unknowable: readonly string[];
      /** Wall time of the engine process. */
      readonly ms: number;
    }
  /** No build could run (`auto`): why, and the checks not made. */
  | { readonly unavailable: string; readonly notChecked: readonly string[] }
  /** Not asked for, or not for this Kubernetes version: why, and the checks not made. */
  | { readonly off: string; readonly notChecked: readonly string[] };

/** A rule's check: looks at every object of the run and reports through the context. */
export type Rule = (ctx: RuleContext) => void;

/** What a validation found, with the counts `k8s-practice validate` prints in its summary line. */
export interface ValidationResult {
  /** The YAML files read. */
  readonly files: readonly string[];
  /** How many objects they hold. */
  readonly objects: number;
  /** Sorted by file, kind, namespace, name, path, rule. */
  readonly findings: readonly Finding[];
  /** How many findings are errors. */
  readonly errors: number;
  /** How many findings are warnings. */
  readonly warnings: number;
  /** Time spent in this call (ms) and the schema load/compile totals of the process so far. */
  readonly timings: { readonly validateMs: number; readonly schema: Readonly<SchemaTimings> };
  /** The rules and codes `disable` turned off (none when nothing was disabled) and how many findings they hid. */
  readonly disabled: DisabledChecks & { readonly hidden: number };
  /** Whether the API server's own checks judged too, and when not, why and what they would have checked. */
  readonly apiServer: ApiServerSummary;
}

/** Why the API-server checks are off when the caller did not ask for them. */
const NOT_ASKED = 'not asked for (option apiServer, or `k8s-practice validate`, which runs them by default)';

function result(
  files: readonly string[],
  objects: number,
  all: Finding[],
  disabled: DisabledChecks & { readonly hidden: number },
  started: number,
  schemas: SchemaValidator,
): ValidationResult {
  const off = new Set(disabled.codes);
  const sorted = sortFindings(all.filter((f) => !off.has(f.code)));
  const errors = sorted.filter((f) => f.severity === 'error').length;
  return {
    files,
    objects,
    findings: sorted,
    errors,
    warnings: sorted.length - errors,
    timings: { validateMs: performance.now() - started, schema: { ...schemas.timings } },
    disabled: { ...disabled, hidden: disabled.hidden + all.length - sorted.length },
    apiServer: { off: NOT_ASKED, notChecked: UNAVAILABLE_CHECKS },
  };
}

/**
 * A validation's result with the API-server checks' answer: the engine's findings merged with
 * ours (ours of the same problem dropped, the engine's naming them; `engineDisabled`: engine codes
 * such as `api-server` not to report), or why they did not run and what they would have checked.
 */
export function withApiServer(
  result: ValidationResult,
  answer: EngineJudgement | { readonly unavailable: string } | { readonly off: string },
  engineDisabled: readonly string[] = [],
): ValidationResult {
  if ('unavailable' in answer) return { ...result, apiServer: { unavailable: answer.unavailable, notChecked: UNAVAILABLE_CHECKS } };
  if ('off' in answer) return { ...result, apiServer: { off: answer.off, notChecked: UNAVAILABLE_CHECKS } };
  const run = answer.runs[0]!;
  const all = engineFindings(run);
  const shown = all.filter((f) => !engineDisabled.includes(f.code));
  const merged = mergeFindings(result.findings, shown);
  const findings = sortFindings(merged.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const skipped = notJudged(run);
  return {
    ...result,
    findings,
    errors,
    warnings: findings.length - errors,
    disabled: {
      ...result.disabled,
      codes: [...result.disabled.codes, ...engineDisabled],
      hidden: result.disabled.hidden + all.length - shown.length,
    },
    apiServer: {
      engine: answer.engine,
      build: answer.kind,
      path: answer.path,
      judged: run.results.length - skipped.length,
      notJudged: skipped.map((r) => ({ file: r.file, kind: r.kind, name: r.name, why: (r.notes ?? []).join('; ') || r.engine })),
      ourFindingsAlsoFoundByTheEngine: merged.dropped,
      errors: run.errors ?? [],
      unknowable: run.unknowable,
      ms: Math.round(answer.ms),
    },
  };
}

/** Why the API-server checks are not made for this Kubernetes version (undefined for 1.28, whose checks they are). */
function apiServerVersionSkip(version: string | undefined): string | undefined {
  return version === undefined || version === '1.28'
    ? undefined
    : `the API-server checks are those of Kubernetes 1.28.15; not made for Kubernetes ${version}`;
}

/** The engine's answer for `apiServer` (a build asked for by name that cannot run throws). */
function judgeFiles(files: () => EngineFile[], options: ValidateOptions): Parameters<typeof withApiServer>[1] {
  const choice = options.apiServer ?? 'none';
  if (choice === 'none') return { off: NOT_ASKED };
  const skip = apiServerVersionSkip(options.kubernetesVersion);
  if (skip) return { off: skip };
  const answer = judgeSync({ runs: [{ files: files() }] }, choice);
  if ('unavailable' in answer && choice !== 'auto') throw new Error(answer.unavailable);
  return answer;
}

/**
 * Runs every rule. A rule that throws on a shape it did not foresee becomes an
 * `internal-error` finding naming the rule; the other rules still run. So does a
 * finding whose code or severity the rule does not declare in the registry (the
 * finding is kept): `--list-rules` and `--disable` rely on the declarations.
 * The findings of a disabled rule are dropped (its internal errors are not); returns how many.
 */
function runRules(ctx: RuleContext, disabledRules: readonly string[]): number {
  let hidden = 0;
  for (const rule of RULES) {
    const from = ctx.findings.length;
    const internalError = (message: string) => ({
      file: ctx.objects[0]?.file ?? '',
      kind: '',
      name: '',
      namespace: '',
      path: '',
      code: 'internal-error',
      severity: 'error' as const,
      message,
    });
    try {
      rule.check(ctx);
    } catch (error) {
      ctx.findings.push(
        internalError(
          `rule ${rule.check.name} stopped on an unexpected shape: ${error instanceof Error ? error.message : String(error)}; please report it`,
        ),
      );
    }
    const declared = (f: Finding) => {
      const code = codeOf(rule, f.code);
      return f.code === 'internal-error' || (code !== undefined && severityAllowed(code.severity, f.severity));
    };
    const undeclared = new Set(
      ctx.findings
        .slice(from)
        .filter((f) => !declared(f))
        .map((f) => `${f.code} (${f.severity})`),
    );
    for (const code of undeclared)
      ctx.findings.push(internalError(`rule ${rule.id} reported ${code}, which its registry entry does not declare; please report it`));
    if (disabledRules.includes(rule.id)) {
      const kept = ctx.findings.slice(from).filter((f) => f.code === 'internal-error');
      hidden += ctx.findings.length - from - kept.length;
      ctx.findings.splice(from, Infinity, ...kept);
    }
  }
  return hidden;
}

/**
 * What every entry point does once its input is read: run the rules over all objects together,
 * then, with `apiServer`, the engine over the files' texts (`files`, called only then).
 */
function validateLoaded(
  files: readonly string[],
  objects: readonly ManifestObject[],
  readFindings: readonly Finding[],
  options: ValidateOptions,
  started: number,
  texts: () => EngineFile[],
): ValidationResult {
  const disabled = resolveDisabled(options.disable ?? []);
  const schemas = SchemaValidator.shared(options);
  const ctx = new RuleContext(objects, schemas, options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  const hidden = runRules(ctx, disabled.rules);
  const ours = result(files, objects.length, [...readFindings, ...ctx.findings], { ...disabled, hidden }, started, schemas);
  const judged = withApiServer(ours, judgeFiles(texts, options));
  return { ...judged, timings: { ...judged.timings, validateMs: performance.now() - started } };
}

/**
 * The objects as the engine reads them: one text per file, in the order the files first appear,
 * each object a YAML document written as JSON (which reads the same in YAML 1.1 and 1.2), after
 * its `---` (a text that starts with `{` would be read as a JSON stream instead).
 */
function objectTexts(objects: readonly ManifestObject[]): EngineFile[] {
  const byFile = new Map<string, string[]>();
  for (const { file, object } of objects) {
    const list = byFile.get(file) ?? byFile.set(file, []).get(file)!;
    list.push(`---\n${JSON.stringify(object)}\n`);
  }
  return [...byFile].map(([name, documents]) => ({ name, text: documents.join('') }));
}

/**
 * Validates objects that were already parsed (every object sees all the others for the
 * cross-object rules). Our rules only, unless `options.apiServer` asks for kube-apiserver's own
 * checks too ({@link ValidateOptions.apiServer}: without them, `result.apiServer.notChecked`
 * lists what is not checked); the engine then reads each object as a JSON document.
 */
export function validateObjects(objects: readonly ManifestObject[], options: ValidateOptions = {}): ValidationResult {
  return validateLoaded([...new Set(objects.map((o) => o.file))], objects, [], options, performance.now(), () => objectTexts(objects));
}

/**
 * Validates YAML text (one or more documents), reported as coming from `file`. Our rules only,
 * unless `options.apiServer` asks for kube-apiserver's own checks too ({@link ValidateOptions.apiServer}:
 * without them, `result.apiServer.notChecked` lists what is not checked).
 */
export function validateYaml(text: string, file = '<input>', options: ValidateOptions = {}): ValidationResult {
  const started = performance.now();
  const parsed = parseManifestText(text, file);
  return validateLoaded([file], parsed.objects, parsed.findings, options, started, () => [{ name: file, text }]);
}

/**
 * Validates files and folders (folders: every `.yaml`/`.yml` file in them, recursively). Our rules
 * only, unless `options.apiServer` asks for kube-apiserver's own checks too, as `k8s-practice
 * validate` runs them by default ({@link ValidateOptions.apiServer}: without them,
 * `result.apiServer.notChecked` lists what is not checked).
 */
export function validatePaths(paths: readonly string[], options: ValidateOptions = {}): ValidationResult {
  return validatePathsAndStdin(paths, undefined, options);
}

/** {@link validatePaths}, where the path `-` stands for `stdin` (the bytes of standard input, named `<stdin>`). */
export function validatePathsAndStdin(
  paths: readonly string[],
  stdin: Buffer | undefined,
  options: ValidateOptions = {},
): ValidationResult {
  const started = performance.now();
  const loaded = loadManifests(paths, stdin);
  return validateLoaded(loaded.files, loaded.objects, loaded.findings, options, started, () => readManifestTexts(loaded.files, stdin));
}
