/**
 * `k8s-practice compare <a.yaml> <b.yaml>`: semantic comparison of two sets
 * of Kubernetes objects (see compare.ts for what is ignored).
 */
import { CommandIO, oneOf, parseArgs, UsageError } from './command-io';
import { KubeObject } from '../check/manifest';
import { compareSides, describeIdentity, formatComparison, NamespaceMismatch, namespaceMismatches, readObjects } from '../compare/compare';
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
  const [aObjects, bObjects] = [readObjects(a), readObjects(b)];
  const result = compareSides(aObjects, bObjects, { ignoreOnlyIn, defaultNamespace, onlyMatched: flags.has('only-matched') }, { a, b });
  if (format === 'json') io.out(JSON.stringify({ a, b, ...result }, null, 2));
  else {
    io.out(`a: ${terminalValue(a)}`);
    io.out(`b: ${terminalValue(b)}`);
    for (const line of formatComparison(result)) io.out(line);
  }
  for (const line of namespaceHints(aObjects, bObjects, defaultNamespace)) io.err(line);
  return result.equal ? 0 : 1;
}

/** One `hint:` line per namespace that `--namespace` would give objects that match but for it. */
function namespaceHints(aObjects: readonly KubeObject[], bObjects: readonly KubeObject[], defaultNamespace: string | undefined): string[] {
  const byNamespace = new Map<string, NamespaceMismatch[]>();
  for (const mismatch of namespaceMismatches(aObjects, bObjects, { defaultNamespace })) {
    byNamespace.set(mismatch.namespace, [...(byNamespace.get(mismatch.namespace) ?? []), mismatch]);
  }
  return [...byNamespace].map(([namespace, [first, ...more]]) => {
    const others = more.length > 0 ? ` (and ${more.length} more object${more.length === 1 ? '' : 's'})` : '';
    const other = first!.without === 'a' ? 'b' : 'a';
    return (
      `hint: ${describeIdentity(first!.id)}${others} has no namespace in ${first!.without} and is in namespace "${namespace}" in ${other}; ` +
      `--namespace ${namespace} gives objects without a namespace that one, on both sides`
    );
  });
}
