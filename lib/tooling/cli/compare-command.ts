/**
 * `k8s-practice compare <a.yaml> <b.yaml>`: semantic comparison of two sets
 * of Kubernetes objects (see compare.ts for what is ignored). Either side may
 * be `-`, standard input: `kubectl run ... -o yaml | k8s-practice compare - dist/01-pod.k8s.yaml`.
 */
import { CommandIO, oneOf, parseArgs, readProcessStdin, UsageError } from './command-io';
import { decodeManifestBytes, KubeObject, MAX_FILE_BYTES, STDIN_NAME, STDIN_PATH } from '../foundation/manifest';
import {
  compareSides,
  describeIdentity,
  formatComparison,
  NamespaceMismatch,
  namespaceMismatches,
  parseObjects,
  readObjects,
} from '../compare/compare';
import { terminalValue } from '../../util/terminal-text';

export const COMPARE_USAGE = [
  'usage: k8s-practice compare <a.yaml> <b.yaml> [--ignore-only-in a|b|both] [--namespace <ns>] [--only-matched] [--format text|json]',
  '  Either file may be - (standard input, named <stdin>): kubectl run ... --dry-run=client -o yaml | k8s-practice compare - b.yaml',
  '  Compares the objects of two YAML files by apiVersion/kind/namespace/name, ignoring key order,',
  '  nulls, empty maps and lists, status and creationTimestamp; keyed lists (containers, ports, env,',
  '  volumes, volumeMounts, ...) are matched by key, not position. Images are compared fully written',
  '  (nginx = docker.io/library/nginx:latest); values are printed in full.',
  '  --ignore-only-in a   ignore fields only a has (e.g. our hardening); b, both likewise',
  '  --namespace <ns>     give namespaced objects without a namespace this one (both sides)',
  '  --only-matched       compare only objects both files have (at least one must match)',
  '  Exit code: 0 when equal, 1 when different, 2 on a usage error.',
];

function parseCompareArgs(args: readonly string[]) {
  return parseArgs(args, ['format', 'ignore-only-in', 'namespace'], ['only-matched']);
}

/** The command as the CLI runs it: reads stdin first when a file is `-`, then {@link runCompare}. */
export async function runCompareCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const { positional } = parseCompareArgs(args);
  const wantsStdin = positional.length === 2 && positional.filter((path) => path === STDIN_PATH).length === 1;
  return runCompare(args, io, wantsStdin ? await readProcessStdin(MAX_FILE_BYTES) : undefined);
}

/** The objects of one side: a file, or `-` for the bytes of standard input (refused without them). */
function readSide(path: string, stdin: Buffer | undefined): KubeObject[] {
  if (path !== STDIN_PATH) return readObjects(path);
  if (stdin === undefined) throw new UsageError(`"${STDIN_PATH}" (stdin) is not available here`);
  const read = decodeManifestBytes(STDIN_NAME, stdin);
  if (read.problem) throw new Error(read.problem.message);
  return parseObjects(read.text, STDIN_NAME);
}

/**
 * Runs the command; returns the exit code. `stdin` is what the file `-` stands for (the bytes of
 * standard input); without it, `-` is refused.
 */
export function runCompare(args: readonly string[], io: CommandIO, stdin?: Buffer): number {
  const { positional, options, flags } = parseCompareArgs(args);
  if (positional.length !== 2) throw new UsageError(`compare needs exactly two files, got ${positional.length}`);
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  const ignoreOnlyIn = oneOf(options, 'ignore-only-in', ['a', 'b', 'both'] as const);
  const defaultNamespace = options.namespace?.[options.namespace.length - 1];
  const [aPath, bPath] = positional as [string, string]; // checked above: exactly two
  if (aPath === STDIN_PATH && bPath === STDIN_PATH) throw new UsageError(`"${STDIN_PATH}" (stdin) given twice; it can be read once`);
  const [aObjects, bObjects] = [readSide(aPath, stdin), readSide(bPath, stdin)];
  const [a, b] = [aPath, bPath].map((path) => (path === STDIN_PATH ? STDIN_NAME : path)) as [string, string];
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
