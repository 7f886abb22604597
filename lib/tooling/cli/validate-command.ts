/**
 * `k8s-practice validate [files or folders...]`: strict schema validation and
 * cross-object rules over YAML manifests (default `dist/`), kube-apiserver
 * 1.28.15's own checks through the validation engine, and Tekton's own admission
 * (Pipelines v1.15.0, Triggers v0.37.0) on Tekton objects through the Tekton engine.
 *
 * The rules, the schemas and the YAML parser are loaded when first needed: the CLI
 * starts the engine before loading them, so that its start-up (a few hundred milliseconds
 * for the WebAssembly build: a Node, reading and compiling the module) overlaps theirs, and
 * sends the request before running them, so that the engine judges while they run.
 */
import { join } from 'node:path';
import { CommandIO, oneOf, parseArgs, readProcessStdin, UsageError } from './command-io';
import {
  API_SERVER_CODES,
  ENGINE_CHOICES,
  EngineChoice,
  EngineJudgement,
  EngineRequest,
  judgeSync,
  mergeFindings,
  notJudged,
  startEngine,
} from '../check/api-server-engine';
import { engineOf, Finding, formatFinding, formatSummary, sortFindings } from '../foundation/finding';
import { MAX_FILE_BYTES } from '../foundation/guarded-read';
import { CRD_DIR, packageRoot } from '../foundation/package-root';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from '../foundation/kubernetes-versions';
import type { ValidationResult } from '../check/validate';
import type { TektonJudgement, TektonRequest } from '../check/tekton-admission';

const validateModule = () => require('../check/validate') as typeof import('../check/validate');
const registry = () => require('../check/rule-registry') as typeof import('../check/rule-registry');
const manifests = () => require('../foundation/manifest') as typeof import('../foundation/manifest');
const tektonModule = () => require('../check/tekton-admission') as typeof import('../check/tekton-admission');

/** The path that stands for standard input (manifest.ts's STDIN_PATH, without loading the YAML parser for it). */
const STDIN_PATH = '-';

export const VALIDATE_USAGE = [
  'usage: k8s-practice validate [files or folders or -...] [--format text|json] [--crds <folder>]... [--disable CODE|RULE]... [--timings] [--kubernetes-version 1.28|1.37] [--previous <file or folder>]... [--api-server auto|native|wasm|none] [--tekton auto|native|wasm|none] [--with-engines]',
  '       k8s-practice validate --list-rules [--format text|json]',
  '  Validates Kubernetes manifests offline (default folder: dist); - reads them from stdin (named <stdin>).',
  '  --format json   machine-readable output: {"findings": [...], "summary": {...}}',
  '  --crds <folder> also load CustomResourceDefinitions from this folder (repeatable)',
  '  --kubernetes-version <v>  judge built-in kinds by the vendored schemas of Kubernetes 1.28 (default) or 1.37',
  '  --disable CODE  do not report this code, or any finding of this rule id (repeatable); the summary says what was off',
  '  --list-rules    print every rule with its codes, severity and summary, and exit',
  '  --timings       print schema load/compile and validation times to stderr',
  "  --api-server <b> which build of kube-apiserver 1.28.15's own checks judges the built-in objects: auto (default: native",
  '                  when built, else the WebAssembly one shipped with the package), native, wasm, or none',
  "  --tekton <b>    which build of Tekton's own admission (Pipelines v1.15.0, Triggers v0.37.0: strict decode, defaults,",
  '                  validation) judges the Tekton objects: auto (default, as --api-server), native, wasm, or none',
  '  --with-engines  kept from before Tekton admission ran by default: the same as --tekton auto, except that no',
  '                  Tekton engine able to run is an error (exit 2) instead of a note on stderr',
  '  --previous <p>  objects as the cluster holds them (files or folders): objects found there are judged as kubectl apply',
  '                  updates them (immutable fields, the update path) instead of creates (repeatable)',
  '  Exit code: 0 when there is no error (warnings allowed), 1 on any error, 2 on a usage error.',
];

/** `--list-rules`: the registry as a table (or JSON), without validating anything. */
function listRules(positional: readonly string[], format: 'text' | 'json', io: CommandIO): number {
  if (positional.length > 0) throw new UsageError(`--list-rules takes no files, got ${positional.join(' ')}`);
  const { RULES } = registry();
  if (format === 'json') {
    io.out(
      JSON.stringify(
        RULES.map(({ id, summary, codes }) => ({ id, summary, codes })),
        null,
        2,
      ),
    );
  } else {
    const { formatRuleList } = require('../check/rule-table') as typeof import('../check/rule-table');
    for (const line of formatRuleList(RULES)) io.out(line);
  }
  return 0;
}

function parseValidateArgs(args: readonly string[]) {
  return parseArgs(
    args,
    ['format', 'crds', 'disable', 'kubernetes-version', 'previous', 'api-server', 'tekton'],
    ['timings', 'with-engines', 'list-rules'],
  );
}

/** The engine build to use: --api-server, else $K8S_PRACTICE_API_SERVER, else auto. */
function engineChoice(options: Record<string, string[]>): EngineChoice {
  const fromEnv = process.env.K8S_PRACTICE_API_SERVER;
  if (!options['api-server'] && fromEnv && (ENGINE_CHOICES as readonly string[]).includes(fromEnv)) return fromEnv as EngineChoice;
  return oneOf(options, 'api-server', ENGINE_CHOICES, 'auto');
}

/**
 * The Tekton engine build to use: --tekton, else auto with --with-engines, else
 * $K8S_PRACTICE_TEKTON, else auto; `required` (--with-engines, or a build named) makes an engine
 * that cannot run an error instead of a note.
 */
function tektonChoice(options: Record<string, string[]>, flags: ReadonlySet<string>): { choice: EngineChoice; required: boolean } {
  const named = oneOf(options, 'tekton', ENGINE_CHOICES);
  if (flags.has('with-engines')) {
    if (named === 'none') throw new UsageError('--with-engines asks for Tekton admission, --tekton none turns it off: give one of them');
    return { choice: named ?? 'auto', required: true };
  }
  if (named) return { choice: named, required: named !== 'auto' };
  const fromEnv = process.env.K8S_PRACTICE_TEKTON;
  if (fromEnv && (ENGINE_CHOICES as readonly string[]).includes(fromEnv)) return { choice: fromEnv as EngineChoice, required: false };
  return { choice: 'auto', required: false };
}

/** What runValidate needs before judging: the parsed command line and the engine's request. */
interface Prepared {
  readonly format: 'text' | 'json';
  readonly paths: readonly string[];
  readonly crdDirs: readonly string[];
  readonly disable: readonly string[];
  readonly engineDisabled: readonly string[];
  readonly kubernetesVersion: (typeof KUBERNETES_VERSIONS)[number];
  readonly choice: EngineChoice;
  /** Why the engine does not run although it may be built (a Kubernetes version it does not judge). */
  readonly skip?: string;
  readonly request?: EngineRequest;
  /** Tekton's admission: which build, whether it must run, and its request (none without Tekton objects, or when off). */
  readonly tekton: {
    readonly choice: EngineChoice;
    readonly required: boolean;
    readonly request?: TektonRequest;
    readonly skip?: string;
  };
}

type EngineAnswer = EngineJudgement | { unavailable: string };
type TektonAnswer = TektonJudgement | { unavailable: string };

/**
 * Runs the command; returns the exit code. `stdin` is what the path `-` stands for (the bytes of
 * standard input); without it, `-` is refused. The API-server engine runs after our rules here;
 * {@link runValidateCommand} runs both at once.
 */
export function runValidate(args: readonly string[], io: CommandIO, stdin?: Buffer): number {
  const prepared = prepare(args, io, stdin);
  if (typeof prepared === 'number') return prepared;
  const validated = validateModule().validatePathsAndStdin(prepared.paths, stdin, {
    crdDirs: prepared.crdDirs,
    disable: prepared.disable,
    kubernetesVersion: prepared.kubernetesVersion,
  });
  const answer = prepared.request ? judgeSync(prepared.request, prepared.choice) : undefined;
  const tekton = prepared.tekton.request ? tektonModule().judgeTektonSync(prepared.tekton.request, prepared.tekton.choice) : undefined;
  return finish(args, io, prepared, validated, answer, tekton);
}

/** The command line checked, and the engine's request made (which reads the files' texts). */
function prepare(args: readonly string[], io: CommandIO, stdin?: Buffer): Prepared | number {
  const { positional, options, flags } = parseValidateArgs(args);
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  if (flags.has('list-rules')) return listRules(positional, format, io);
  const engineDisabled = (options.disable ?? []).filter((code) => (API_SERVER_CODES as readonly string[]).includes(code));
  const disable = (options.disable ?? []).filter((code) => !engineDisabled.includes(code));
  const { resolveDisabled, UnknownRuleError } = registry();
  try {
    resolveDisabled(disable); // before reading any file: a typo is a usage error, not a run that hides nothing
  } catch (error) {
    if (error instanceof UnknownRuleError)
      throw new UsageError(
        `invalid --disable ${JSON.stringify(error.value)}; expected a code or rule id: ${[...error.allowed, ...API_SERVER_CODES].join(', ')}`,
      );
    throw error;
  }
  const paths = positional.length > 0 ? positional : ['dist'];
  const stdinPaths = paths.filter((path) => path === STDIN_PATH).length;
  if (stdinPaths > 1) throw new UsageError(`"${STDIN_PATH}" (stdin) given twice; it can be read once`);
  if (stdinPaths === 1 && stdin === undefined) throw new UsageError(`"${STDIN_PATH}" (stdin) is not available here`);
  if ((options.previous ?? []).includes(STDIN_PATH)) throw new UsageError(`--previous cannot be "${STDIN_PATH}" (stdin)`);
  const crdDirs = [join(packageRoot(), CRD_DIR), ...(options.crds ?? [])];
  const kubernetesVersion = oneOf(options, 'kubernetes-version', KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION);
  const choice = engineChoice(options);
  const tekton = tektonChoice(options, flags);
  const base = { format, paths, crdDirs, disable, engineDisabled, kubernetesVersion, choice, tekton };
  const apiServerSkip =
    choice !== 'none' && kubernetesVersion !== '1.28'
      ? `the API-server checks are those of Kubernetes 1.28.15; not made for --kubernetes-version ${kubernetesVersion}`
      : undefined;
  const apiServerWanted = choice !== 'none' && apiServerSkip === undefined;
  if (!apiServerWanted && tekton.choice === 'none') return { ...base, skip: apiServerSkip };
  const { collectManifestFiles, readManifestTexts, STDIN_NAME } = manifests();
  const collected = collectManifestFiles(paths);
  const files = readManifestTexts(
    collected.files.map((file) => (file === STDIN_PATH && stdin !== undefined ? STDIN_NAME : file)),
    stdin,
  );
  // Tekton's engine judges only Tekton objects: it is not started for an input that has none.
  const tektonPart =
    tekton.choice === 'none'
      ? tekton
      : files.some((file) => tektonModule().mayHoldTektonObjects(file.text))
        ? { ...tekton, request: { runs: [{ files }] } }
        : { ...tekton, skip: 'no Tekton objects in the input' };
  if (!apiServerWanted) return { ...base, skip: apiServerSkip, tekton: tektonPart };
  const previous = readManifestTexts(collectManifestFiles(options.previous ?? []).files);
  return { ...base, tekton: tektonPart, request: { runs: [{ files, previous }] } };
}

/** Our findings and the engine's (merged), printed; returns the exit code. */
function finish(
  args: readonly string[],
  io: CommandIO,
  prepared: Prepared,
  validated: ValidationResult,
  answer: EngineAnswer | undefined,
  tektonAnswer: TektonAnswer | undefined,
): number {
  const { flags } = parseValidateArgs(args);
  const { format, choice, engineDisabled } = prepared;
  if (tektonAnswer && 'unavailable' in tektonAnswer && prepared.tekton.required) {
    io.err(`validate: ${tektonAnswer.unavailable}`);
    return 2;
  }
  if (answer && 'unavailable' in answer && choice !== 'auto') {
    io.err(`validate: ${answer.unavailable}`);
    return 2;
  }
  const off = prepared.skip ?? 'turned off with --api-server none (or $K8S_PRACTICE_API_SERVER=none)';
  const result = validateModule().withApiServer(validated, answer ?? { off }, engineDisabled);
  const summary = result.apiServer;
  if ('notChecked' in summary) {
    io.err(`API-server checks not made: ${'off' in summary ? summary.off : summary.unavailable}.`);
    io.err(`Not checked: ${summary.notChecked.join('; ')}.`);
  } else {
    for (const error of summary.errors) io.err(`validation engine: ${error}`);
  }
  const tekton = withTekton(io, prepared, result, tektonAnswer);
  return report(io, format, tekton.result, tekton.summary, { answer, tektonAnswer }, prepared, flags.has('timings'));
}

/** The Tekton engine's findings merged into `result` (as the API server's are), and its part of the JSON summary. */
function withTekton(
  io: CommandIO,
  prepared: Prepared,
  result: ValidationResult,
  answer: TektonAnswer | undefined,
): { result: ValidationResult; summary: Record<string, unknown> } {
  const { TEKTON_UNAVAILABLE_CHECKS, tektonFindings } = tektonModule();
  if (!answer)
    return {
      result,
      summary: { off: prepared.tekton.skip ?? 'turned off with --tekton none (or $K8S_PRACTICE_TEKTON=none)' },
    };
  if ('unavailable' in answer) {
    io.err(`Tekton admission checks not made: ${answer.unavailable}.`);
    io.err(`Not checked: ${TEKTON_UNAVAILABLE_CHECKS.join('; ')}.`);
    return { result, summary: { unavailable: answer.unavailable, notChecked: TEKTON_UNAVAILABLE_CHECKS } };
  }
  const run = answer.runs[0]!;
  const merged = mergeFindings(result.findings, tektonFindings(run));
  const findings = sortFindings(merged.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  for (const error of run.errors ?? []) io.err(`Tekton admission engine: ${error}`);
  return {
    result: { ...result, findings, errors, warnings: findings.length - errors },
    summary: {
      engine: answer.engine,
      build: answer.kind,
      path: answer.path,
      judged: run.results.length,
      refused: run.results.filter((r) => r.verdict === 'refused').length,
      ourFindingsAlsoFoundByTheEngine: merged.dropped,
      errors: run.errors ?? [],
      ms: Math.round(answer.ms),
    },
  };
}

/**
 * A finding as `--format json` prints it: its fields in their order, the code under the name
 * `rule` (the output's field name since the first release; `Finding.code` in the TypeScript API),
 * and who judged it.
 */
function findingJson(finding: Finding): Record<string, unknown> {
  const fields = Object.entries(finding).map(([key, value]) => [key === 'code' ? 'rule' : key, value] as const);
  return { ...Object.fromEntries(fields), engine: engineOf(finding) };
}

/** Prints the findings and the summary; returns the exit code. */
function report(
  io: CommandIO,
  format: 'text' | 'json',
  result: ValidationResult,
  tektonAdmission: Record<string, unknown>,
  answers: { answer: EngineAnswer | undefined; tektonAnswer: TektonAnswer | undefined },
  prepared: Prepared,
  timings: boolean,
): number {
  const { answer, tektonAnswer } = answers;
  const paths = prepared.paths;
  const summary = formatSummary(result.findings, result.files.length, result.objects, result.disabled);
  if (format === 'json') {
    const off = result.disabled;
    const disabled = off.rules.length + off.codes.length > 0 ? { disabled: off } : {};
    io.out(
      JSON.stringify(
        {
          findings: result.findings.map(findingJson),
          summary: {
            errors: result.errors,
            warnings: result.warnings,
            objects: result.objects,
            files: result.files.length,
            ...disabled,
            apiServer: result.apiServer,
            tektonAdmission,
            text: summary,
          },
        },
        null,
        2,
      ),
    );
  } else {
    for (const finding of result.findings) io.out(formatFinding(finding));
    if (answer && !('unavailable' in answer)) io.out(apiServerLine(answer));
    if (tektonAnswer && !('unavailable' in tektonAnswer)) io.out(tektonLine(tektonAnswer));
    io.out(summary);
  }
  if (timings) {
    const t = result.timings;
    io.err(
      `timings: schema load ${t.schema.loadMs.toFixed(0)} ms, CRD load ${t.schema.crdLoadMs.toFixed(0)} ms (${t.schema.crdKinds} kinds), ` +
        `compile ${t.schema.compileMs.toFixed(0)} ms (${t.schema.compiledKinds} kinds), validate total ${t.validateMs.toFixed(0)} ms`,
    );
    if (answer && !('unavailable' in answer))
      io.err(
        `timings: API-server engine (${answer.kind}) started at ${answer.startedAtMs.toFixed(0)} ms, ran ${answer.ms.toFixed(0)} ms, of which judging ${answer.judgeMs.toFixed(0)} ms; done at ${(process.uptime() * 1000).toFixed(0)} ms`,
      );
    if (tektonAnswer && !('unavailable' in tektonAnswer))
      io.err(
        `timings: Tekton admission engine (${tektonAnswer.kind}) started at ${tektonAnswer.startedAtMs.toFixed(0)} ms, ran ${tektonAnswer.ms.toFixed(0)} ms, of which judging ${tektonAnswer.judgeMs.toFixed(0)} ms`,
      );
  }
  if (result.files.length === 0) {
    io.err(`no YAML files found in ${paths.join(', ')}`);
    return 1;
  }
  return result.errors > 0 ? 1 : 0;
}

/** The line naming the engine that judged, what it judged and what it did not. */
function apiServerLine(answer: EngineJudgement): string {
  const run = answer.runs[0]!;
  const skipped = notJudged(run);
  const kinds = [...new Set(skipped.map((r) => r.kind || '?'))].sort();
  const notJudgedText =
    skipped.length > 0 ? `; ${skipped.length} not judged by it (${kinds.join(', ')}: not built-in kinds, or kinds it does not model)` : '';
  const judged = run.results.length - skipped.length;
  // No time here (--timings has it): the same input prints the same lines.
  return `API-server checks: ${answer.engine}, ${answer.kind} build: ${judged} ${judged === 1 ? 'object' : 'objects'} judged${notJudgedText}`;
}

/** The line naming Tekton's engine and how many Tekton objects it judged. */
function tektonLine(answer: TektonJudgement): string {
  const run = answer.runs[0]!;
  const judged = run.results.length;
  return `Tekton admission: ${answer.engine}, ${answer.kind} build: ${judged} Tekton ${judged === 1 ? 'object' : 'objects'} judged`;
}

/**
 * The command as the CLI runs it: starts the API-server engine first (unless it will not be
 * needed), reads stdin when a path is `-`, then the manifests; sends them to the engine, starts
 * Tekton's engine when the input holds Tekton objects, runs our own rules while both judge, and
 * merges all.
 */
export async function runValidateCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const { positional, options, flags } = parseValidateArgs(args);
  const version = options['kubernetes-version']?.[0] ?? DEFAULT_KUBERNETES_VERSION;
  const wanted = !flags.has('list-rules') && version === '1.28' && engineChoiceOrNone(options) !== 'none';
  const early = wanted ? startEngine(engineChoiceOrNone(options)) : undefined;
  const cancel = () => {
    if (early && !('unavailable' in early)) early.cancel();
  };
  try {
    const wantsStdin = !flags.has('list-rules') && positional.includes(STDIN_PATH);
    const stdin = wantsStdin ? await readProcessStdin(MAX_FILE_BYTES) : undefined;
    const prepared = prepare(args, io, stdin);
    if (typeof prepared === 'number' || !prepared.request) cancel();
    if (typeof prepared === 'number') return prepared;
    const judging =
      prepared.request && early
        ? 'unavailable' in early
          ? { sent: Promise.resolve(), answer: Promise.resolve(early) }
          : early.judge(prepared.request)
        : undefined;
    const tektonJudging = prepared.tekton.request
      ? tektonModule().judgeTektonAsync(prepared.tekton.request, prepared.tekton.choice)
      : undefined;
    // Our rules run synchronously: the request goes out first, so that the engine judges meanwhile.
    await judging?.sent;
    const validated = validateModule().validatePathsAndStdin(prepared.paths, stdin, {
      crdDirs: prepared.crdDirs,
      disable: prepared.disable,
      kubernetesVersion: prepared.kubernetesVersion,
    });
    return finish(
      args,
      io,
      prepared,
      validated,
      judging ? await judging.answer : undefined,
      tektonJudging ? await tektonJudging : undefined,
    );
  } catch (error) {
    cancel();
    throw error;
  }
}

/** {@link engineChoice}, with a bad --api-server value left to the usage check that follows. */
function engineChoiceOrNone(options: Record<string, string[]>): EngineChoice {
  try {
    return engineChoice(options);
  } catch {
    return 'none';
  }
}
