/**
 * `k8s-practice validate [files or folders...]`: strict schema validation and
 * cross-object rules over YAML manifests (default `dist/`).
 */
import { join } from 'node:path';
import { CommandIO, oneOf, parseArgs } from './command-io';
import { formatFinding, formatSummary, sortFindings } from '../check/finding';
import { CRD_DIR, packageRoot } from '../check/package-root';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from '../check/kubernetes-versions';
import { tektonAdmissionFindings } from '../check/tekton-admission';
import { validatePaths } from '../check/validate';

export const VALIDATE_USAGE = [
  'usage: k8s-practice validate [files or folders...] [--format text|json] [--crds <folder>]... [--timings] [--with-engines] [--kubernetes-version 1.28|1.37]',
  '  Validates Kubernetes manifests offline (default folder: dist).',
  '  --format json   machine-readable output: {"findings": [...], "summary": {...}}',
  '  --crds <folder> also load CustomResourceDefinitions from this folder (repeatable)',
  '  --kubernetes-version <v>  judge built-in kinds by the vendored schemas of Kubernetes 1.28 (default) or 1.37',
  '  --timings       print schema load/compile and validation times to stderr',
  "  --with-engines  also run Tekton's own admission checks on Tekton objects (needs the engines built: npm run engines:build)",
  '  Exit code: 0 when there is no error (warnings allowed), 1 on any error, 2 on a usage error.',
];

/** Runs the command; returns the exit code. */
export function runValidate(args: readonly string[], io: CommandIO): number {
  const { positional, options, flags } = parseArgs(args, ['format', 'crds', 'kubernetes-version'], ['timings', 'with-engines']);
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  const paths = positional.length > 0 ? positional : ['dist'];
  const crdDirs = [join(packageRoot(), CRD_DIR), ...(options.crds ?? [])];
  const kubernetesVersion = oneOf(options, 'kubernetes-version', KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION);
  const validated = validatePaths(paths, { crdDirs, kubernetesVersion });
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
  const summary = formatSummary(result.findings, result.files.length, result.objects);
  if (format === 'json') {
    io.out(JSON.stringify({
      findings: result.findings,
      summary: { errors: result.errors, warnings: result.warnings, objects: result.objects, files: result.files.length, text: summary },
    }, null, 2));
  } else {
    for (const finding of result.findings) io.out(formatFinding(finding));
    io.out(summary);
  }
  if (flags.has('timings')) {
    const t = result.timings;
    io.err(`timings: schema load ${t.schema.loadMs.toFixed(0)} ms, CRD load ${t.schema.crdLoadMs.toFixed(0)} ms (${t.schema.crdKinds} kinds), `
      + `compile ${t.schema.compileMs.toFixed(0)} ms (${t.schema.compiledKinds} kinds), validate total ${t.validateMs.toFixed(0)} ms`);
  }
  if (result.files.length === 0) {
    io.err(`no YAML files found in ${paths.join(', ')}`);
    return 1;
  }
  return result.errors > 0 ? 1 : 0;
}
