/**
 * `k8s-practice simulate`: what an EventListener would do with one delivery, offline.
 */
import { stringify } from 'yaml';
import { CommandIO, oneOf, parseArgs, UsageError } from './command-io';
import { FileRefusedError, readGuardedBytes, readTextOrThrow } from '../foundation/guarded-read';
import { parseManifestText } from '../foundation/manifest';
import { SimulationResult, simulate } from '../simulate/simulate';
import { SecretStore } from '../simulate/triggers-cel';
import { terminalValue } from '../../util/terminal-text';

export const SIMULATE_USAGE: readonly string[] = [
  'usage: k8s-practice simulate <manifest.yaml> --listener NAME --body FILE [--header K=V]... [--url PATH?QUERY] [--secret NAME/KEY=VALUE]... [--format text|json]',
  '  Runs the EventListener NAME (or NAMESPACE/NAME) of the manifest on one delivery, offline, as',
  '  Tekton Triggers v0.37.0 would: its interceptors (the cel ClusterInterceptor; Node interceptors',
  '  whose program is in the same manifest), bindings and template. Prints whether the listener',
  '  accepts the event, which interceptor or CEL clause refused it, and the resources it would create.',
  '  --body FILE          the request body, byte for byte (- reads stdin); at most 8 MiB, a regular file or stdin',
  '  --header K=V         a request header (repeat; the same name twice gives two values)',
  '  --url PATH?QUERY     the request URI (default /)',
  '  --secret N/K=VALUE   the value of key K of Secret N, for compareSecret and interceptor programs',
  '  --format json        the whole result as JSON',
  '  Exit code: 0 accepted, 1 refused, 2 usage or manifest error.',
];

function keyValue(option: string, text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--${option} ${JSON.stringify(text)} must look like NAME=VALUE`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** The report, one line per string (YAML documents of the created resources last). */
export function formatSimulation(result: SimulationResult): string[] {
  const lines: string[] = [];
  const v = terminalValue;
  lines.push(`EventListener ${v(result.namespace)}/${v(result.listener)}: ${result.accepted ? 'accepts' : 'refuses'} the event`);
  for (const trigger of result.triggers) {
    lines.push(`trigger ${v(trigger.trigger)}: ${trigger.accepted ? 'accepted' : 'refused'}`);
    for (const step of trigger.interceptors) {
      const what = step.continue ? 'continue' : `stop: ${v(step.reason ?? '')}`;
      lines.push(`  interceptor ${v(step.name)} (${v(step.ref)}): ${what}`);
      for (const [key, value] of Object.entries(step.extensions ?? {}))
        lines.push(`    extensions.${v(key)} = ${v(JSON.stringify(value))}`);
    }
    if (trigger.error) lines.push(`  error: ${v(trigger.error)}`);
    for (const [name, value] of Object.entries(trigger.params ?? {})) lines.push(`  param ${v(name)} = ${v(JSON.stringify(value))}`);
  }
  const resources = result.triggers.flatMap((t) => t.resources);
  if (resources.length === 0) {
    lines.push('creates nothing');
    return lines;
  }
  lines.push(
    `creates ${resources.length} resource${resources.length === 1 ? '' : 's'} (the sink sets the triggers-eventid label to a fresh UUID):`,
  );
  for (const resource of resources) {
    lines.push('---');
    lines.push(...stringify(resource, { lineWidth: 0 }).replace(/\n$/, '').split('\n'));
  }
  return lines;
}

export function runSimulate(args: readonly string[], io: CommandIO): number {
  const { positional, options } = parseArgs(args, ['listener', 'body', 'header', 'url', 'secret', 'format']);
  if (positional.length !== 1) throw new UsageError('expected exactly one manifest file');
  const listener = options.listener?.at(-1);
  if (!listener) throw new UsageError('--listener NAME is required');
  const bodyFile = options.body?.at(-1);
  if (!bodyFile) throw new UsageError('--body FILE is required');
  const format = oneOf(options, 'format', ['text', 'json'] as const, 'text');
  // Null-prototype maps: a header or Secret named `__proto__` or `constructor` is an ordinary name.
  const headers = Object.create(null) as { [name: string]: string[] };
  for (const text of options.header ?? []) {
    const [name, value] = keyValue('header', text);
    (headers[name] ??= []).push(value);
  }
  const secrets = Object.create(null) as { [name: string]: { [key: string]: string } };
  for (const text of options.secret ?? []) {
    const [ref, value] = keyValue('secret', text);
    const slash = ref.indexOf('/');
    if (slash <= 0 || slash === ref.length - 1) throw new UsageError(`--secret ${JSON.stringify(ref)} must look like NAME/KEY=VALUE`);
    (secrets[ref.slice(0, slash)] ??= Object.create(null) as { [key: string]: string })[ref.slice(slash + 1)] = value;
  }
  const url = options.url?.at(-1) ?? '/';
  if (!url.startsWith('/')) throw new UsageError(`--url ${JSON.stringify(url)} must start with / (a request URI)`);
  const file = positional[0]!;
  // Both through the one guarded reader: regular files only (a FIFO or /dev/zero is refused, never
  // waited on), at most 8 MiB each; standard input (`--body -`) is read up to the same limit.
  const parsed = parseManifestText(readTextOrThrow(file, 'manifest'), file);
  const broken = parsed.findings.filter((f) => f.severity === 'error');
  if (broken.length > 0) throw new Error(`${file}: ${broken.map((f) => f.message).join('; ')}`);
  const bodyRead = readGuardedBytes(bodyFile);
  if (bodyRead.problem) {
    const name = bodyFile === '-' || bodyRead.problem.message.includes(bodyFile) ? '' : `${bodyFile}: `;
    throw new FileRefusedError({ ...bodyRead.problem, message: `cannot read the --body: ${name}${bodyRead.problem.message}` });
  }
  const body = bodyRead.bytes.toString('utf8'); // decoded as before; the signature program sees these characters
  const result = simulate(
    parsed.objects.map((o) => o.object),
    listener,
    { body, headers, url },
    secrets as SecretStore,
  );
  if (format === 'json') io.out(JSON.stringify(result, null, 2));
  else for (const line of formatSimulation(result)) io.out(line);
  return result.accepted ? 0 : 1;
}
