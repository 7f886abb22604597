/**
 * `k8s-practice compare <a.yaml> <b.yaml>`: semantic comparison of two sets
 * of Kubernetes objects (see compare.ts for what is ignored).
 */
import { CommandIO, oneOf, parseArgs, UsageError } from './command-io';
import { compareFiles, formatComparison } from '../compare/compare';
import { terminalValue } from '../../util/terminal-text';

export const COMPARE_USAGE = [
  'usage: k8s-practice compare <a.yaml> <b.yaml> [--ignore-only-in a|b|both] [--namespace <ns>] [--only-matched] [--format text|json]',
  '  Compares the objects of two YAML files by apiVersion/kind/namespace/name, ignoring key order,',
  '  nulls, empty maps and lists, status and creationTimestamp; keyed lists (containers, ports, env,',
  '  volumes, volumeMounts, ...) are matched by key, not position. Images are compared fully written',
  '  (nginx = docker.io/library/nginx:latest); values are printed in full.',
  '  --ignore-only-in a   ignore fields only a has (e.g. our hardening); b, both likewise',
  '  --namespace <ns>     give namespaced objects without a namespace this one (both sides)',
  '  --only-matched       compare only objects both files have (at least one must match)',
  '  Exit code: 0 when equal, 1 when different, 2 on a usage error.',
];

/** Runs the command; returns the exit code. */
export function runCompare(args: readonly string[], io: CommandIO): number {
  const { positional, options, flags } = parseArgs(args, ['format', 'ignore-only-in', 'namespace'], ['only-matched']);
  if (positional.length !== 2) throw new UsageError(`compare needs exactly two files, got ${positional.length}`);
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  const ignoreOnlyIn = oneOf(options, 'ignore-only-in', ['a', 'b', 'both'] as const);
  const defaultNamespace = options.namespace?.[options.namespace.length - 1];
  const [a, b] = positional as [string, string]; // checked above: exactly two
  const result = compareFiles(a, b, { ignoreOnlyIn, defaultNamespace, onlyMatched: flags.has('only-matched') });
  if (format === 'json') io.out(JSON.stringify({ a, b, ...result }, null, 2));
  else {
    io.out(`a: ${terminalValue(a)}`);
    io.out(`b: ${terminalValue(b)}`);
    for (const line of formatComparison(result)) io.out(line);
  }
  return result.equal ? 0 : 1;
}
