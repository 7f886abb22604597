/**
 * `k8s-practice explain RESOURCE[.field.path]`: `kubectl explain` offline, for
 * the Kubernetes 1.28 built-in kinds and the vendored Tekton CRDs, followed by
 * where the field is used in this project (the current folder's dist/, or --project DIR).
 */
import { join, resolve } from 'node:path';
import { CommandIO, oneOf, parseArgs, UsageError } from './command-io';
import { CRD_DIR, packageRoot } from '../foundation/package-root';
import { explain } from '../explain/explain';

export const EXPLAIN_USAGE = [
  'usage: k8s-practice explain RESOURCE[.field.path] [--recursive] [--api-version GROUP/VERSION] [--output plaintext|json] [--no-usage] [--project DIR] [--crds <folder>]...',
  "  Prints what `kubectl explain` 1.28 prints, without a cluster: kind, version, the field's type and description, and its fields.",
  '  RESOURCE is a kind, plural, short name (svc, ep, netpol, pr) or group-qualified name (deployments.apps, pipelines.tekton.dev).',
  '  --recursive            list every nested field name and type instead of the descriptions',
  '  --api-version G/V      explain that group/version of the resource (v1 for the core group)',
  '  --output json          the same as data (kubectl 1.28 has no JSON output; this is ours)',
  '  --no-usage             print only what kubectl prints (no "USED IN THIS PROJECT" section)',
  '  --project DIR          the project whose dist/ "USED IN THIS PROJECT" searches (default: the current folder)',
  '  --crds <folder>        also read CustomResourceDefinitions from this folder (repeatable)',
  "  Exit code: 0, 1 for an unknown resource or field (kubectl's message on stderr), 2 on a usage error.",
];

/** Runs the command; returns the exit code. */
export function runExplain(args: readonly string[], io: CommandIO): number {
  const { positional, options, flags } = parseArgs(args, ['api-version', 'output', 'crds', 'project'], ['recursive', 'no-usage']);
  if (positional.length > 1) throw new UsageError('We accept only this format: explain RESOURCE');
  const output = oneOf(options, 'output', ['plaintext', 'json'] as const, 'plaintext');
  const apiVersion = options['api-version']?.[options['api-version'].length - 1];
  const project = options.project?.[options.project.length - 1];
  const result = explain(positional[0] ?? '', {
    recursive: flags.has('recursive'),
    apiVersion,
    output,
    usage: !flags.has('no-usage'),
    projectDir: project === undefined ? undefined : resolve(project),
    crdDirs: [join(packageRoot(), CRD_DIR), ...(options.crds ?? [])],
  });
  if (result.stdout) io.out(result.stdout.replace(/\n$/, ''));
  if (result.stderr) io.err(result.stderr.replace(/\n$/, ''));
  return result.exitCode;
}
