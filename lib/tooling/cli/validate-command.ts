/**
 * `k8s-practice validate [files or folders...]`: strict schema validation and
 * cross-object rules over YAML manifests (default `dist/`).
 */
import { join } from 'node:path';
import { CommandIO, oneOf, parseArgs, readProcessStdin, UsageError } from './command-io';
import { formatFinding, formatSummary, sortFindings } from '../check/finding';
import { CRD_DIR, packageRoot } from '../check/package-root';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from '../check/kubernetes-versions';
import { resolveDisabled, RULES, UnknownRuleError } from '../check/rule-registry';
import { formatRuleList } from '../check/rule-table';
import { tektonAdmissionFindings } from '../check/tekton-admission';
import { MAX_FILE_BYTES, STDIN_PATH } from '../check/manifest';
import { validatePathsAndStdin } from '../check/validate';

export const VALIDATE_USAGE = [
  'usage: k8s-practice validate [files or folders or -...] [--format text|json] [--crds <folder>]... [--disable CODE|RULE]... [--timings] [--with-engines] [--kubernetes-version 1.28|1.37]',
  '       k8s-practice validate --list-rules [--format text|json]',
  '  Validates Kubernetes manifests offline (default folder: dist); - reads them from stdin (named <stdin>).',
  '  --format json   machine-readable output: {"findings": [...], "summary": {...}}',
  '  --crds <folder> also load CustomResourceDefinitions from this folder (repeatable)',
  '  --kubernetes-version <v>  judge built-in kinds by the vendored schemas of Kubernetes 1.28 (default) or 1.37',
  '  --disable CODE  do not report this code, or any finding of this rule id (repeatable); the summary says what was off',
  '  --list-rules    print every rule with its codes, severity and summary, and exit',
  '  --timings       print schema load/compile and validation times to stderr',
  "  --with-engines  also run Tekton's own admission checks on Tekton objects (needs the engines built: npm run engines:build)",
  '  Exit code: 0 when there is no error (warnings allowed), 1 on any error, 2 on a usage error.',
];

/** `--list-rules`: the registry as a table (or JSON), without validating anything. */
function listRules(positional: readonly string[], format: 'text' | 'json', io: CommandIO): number {
  if (positional.length > 0) throw new UsageError(`--list-rules takes no files, got ${positional.join(' ')}`);
  if (format === 'json') {
    io.out(
      JSON.stringify(
        RULES.map(({ id, summary, codes }) => ({ id, summary, codes })),
        null,
        2,
      ),
    );
  } else {
    for (const line of formatRuleList(RULES)) io.out(line);
  }
  return 0;
}

function parseValidateArgs(args: readonly string[]) {
  return parseArgs(args, ['format', 'crds', 'disable', 'kubernetes-version'], ['timings', 'with-engines', 'list-rules']);
}

/** The command as the CLI runs it: reads stdin first when a path is `-`, then {@link runValidate}. */
export async function runValidateCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const { positional, flags } = parseValidateArgs(args);
  const wantsStdin = !flags.has('list-rules') && positional.includes(STDIN_PATH);
  return runValidate(args, io, wantsStdin ? await readProcessStdin(MAX_FILE_BYTES) : undefined);
}

/**
 * Runs the command; returns the exit code. `stdin` is what the path `-` stands for (the bytes of
 * standard input); without it, `-` is refused.
 */
export function runValidate(args: readonly string[], io: CommandIO, stdin?: Buffer): number {
  const { positional, options, flags } = parseValidateArgs(args);
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  if (flags.has('list-rules')) return listRules(positional, format, io);
  const disable = options.disable ?? [];
  try {
    resolveDisabled(disable); // before reading any file: a typo is a usage error, not a run that hides nothing
  } catch (error) {
    if (error instanceof UnknownRuleError)
      throw new UsageError(`invalid --disable ${JSON.stringify(error.value)}; expected a code or rule id: ${error.allowed.join(', ')}`);
    throw error;
  }
  const paths = positional.length > 0 ? positional : ['dist'];
  const stdinPaths = paths.filter((path) => path === STDIN_PATH).length;
  if (stdinPaths > 1) throw new UsageError(`"${STDIN_PATH}" (stdin) given twice; it can be read once`);
  if (stdinPaths === 1 && stdin === undefined) throw new UsageError(`"${STDIN_PATH}" (stdin) is not available here`);
  const crdDirs = [join(packageRoot(), CRD_DIR), ...(options.crds ?? [])];
  const kubernetesVersion = oneOf(options, 'kubernetes-version', KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION);
  const validated = validatePathsAndStdin(paths, stdin, { crdDirs, disable, kubernetesVersion });
  let result = validated;
  if (flags.has('with-engines')) {
    const tekton = tektonAdmissionFindings(validated.files);
    if ('unavailable' in tekton) {
      io.err(tekton.unavailable);
      return 2;
    }
    const findings = sortFindings([...validated.findings, ...tekton.findings]);
    result = { ...validated, findings, errors: validated.errors + tekton.findings.length };
  }
  const summary = formatSummary(result.findings, result.files.length, result.objects, result.disabled);
  if (format === 'json') {
    const off = result.disabled;
    const disabled = off.rules.length + off.codes.length > 0 ? { disabled: off } : {};
    io.out(
      JSON.stringify(
        {
          findings: result.findings,
          summary: {
            errors: result.errors,
            warnings: result.warnings,
            objects: result.objects,
            files: result.files.length,
            ...disabled,
            text: summary,
          },
        },
        null,
        2,
      ),
    );
  } else {
    for (const finding of result.findings) io.out(formatFinding(finding));
    io.out(summary);
  }
  if (flags.has('timings')) {
    const t = result.timings;
    io.err(
      `timings: schema load ${t.schema.loadMs.toFixed(0)} ms, CRD load ${t.schema.crdLoadMs.toFixed(0)} ms (${t.schema.crdKinds} kinds), ` +
        `compile ${t.schema.compileMs.toFixed(0)} ms (${t.schema.compiledKinds} kinds), validate total ${t.validateMs.toFixed(0)} ms`,
    );
  }
  if (result.files.length === 0) {
    io.err(`no YAML files found in ${paths.join(', ')}`);
    return 1;
  }
  return result.errors > 0 ? 1 : 0;
}
