import { parseArgs as nodeParseArgs } from 'node:util';
import { terminalText } from '../../util/terminal-text';

/** Where a command writes: the CLI passes the process streams, tests collect lines. */
export interface CommandIO {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics (usage errors, timings). */
  err(line: string): void;
}

/** The process streams whose reader has gone (`k8s-practice graph | head`): output to them is dropped. */
const closedStreams = new Set<NodeJS.WriteStream>();

function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (!closedStreams.has(stream)) stream.write(`${line}\n`);
}

/**
 * `io` with every line passed through {@link terminalText}: control characters from manifests,
 * CRDs or bodies (ESC, CR, C1, bidi overrides) arrive as visible `\uXXXX` escapes. `main` wraps
 * whatever io it is given in it, so every command's every line goes through the one helper.
 */
export function terminalIO(io: CommandIO): CommandIO {
  return { out: (line) => io.out(terminalText(line)), err: (line) => io.err(terminalText(line)) };
}

/** CommandIO over the process's stdout and stderr (control characters neutralised, see {@link terminalIO}). */
export const PROCESS_IO: CommandIO = terminalIO({
  out: (line) => writeLine(process.stdout, line),
  err: (line) => writeLine(process.stderr, line),
});

/**
 * Makes a closed pipe quiet, as in Unix tools: when the reader of stdout or stderr goes away
 * (`k8s-practice graph | head`), the write fails with EPIPE, which Node reports as an 'error'
 * event that would kill the process with a stack trace. Instead, output to that stream is
 * dropped from then on and the command ends with the exit code it would have had. Any other
 * stream error is thrown as before. The CLI entry calls this once.
 */
export function quietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closedStreams.add(stream);
    });
  }
}

/** Thrown for a bad command line; the CLI prints the message and the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Splits arguments into positionals and `--flag value` / `--flag=value` options; `booleans` take no value.
 * Tokenizing is `node:util`'s parseArgs; it runs non-strict so that this layer gives the usage
 * errors in our words, and so that a single-dash argument (`-`, `-x`) stays a positional.
 */
export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  booleans: readonly string[] = [],
): {
  positional: string[];
  options: Record<string, string[]>;
  flags: Set<string>;
} {
  const config: Record<string, { type: 'string' | 'boolean'; multiple: boolean }> = {};
  for (const name of valued) config[name] = { type: 'string', multiple: true };
  for (const name of booleans) config[name] = { type: 'boolean', multiple: true };
  const { tokens } = nodeParseArgs({ args: [...args], options: config, strict: false, allowPositionals: true, tokens: true });
  const positional: string[] = [];
  const options: Record<string, string[]> = {};
  const flags = new Set<string>();
  let lastShort = -1;
  for (const token of tokens) {
    if (token.kind === 'positional') positional.push(token.value);
    if (token.kind !== 'option') continue;
    if (!token.rawName.startsWith('--')) {
      // `-ab` yields one token per letter, all with the index of the one argument.
      if (token.index !== lastShort) positional.push(args[token.index]!);
      lastShort = token.index;
    } else if (booleans.includes(token.name)) {
      if (token.inlineValue) throw new UsageError(`option --${token.name} takes no value`);
      flags.add(token.name);
    } else if (valued.includes(token.name)) {
      if (token.value === undefined) throw new UsageError(`option --${token.name} needs a value`);
      (options[token.name] ??= []).push(token.value);
    } else {
      throw new UsageError(`unknown option --${token.name}`);
    }
  }
  return { positional, options, flags };
}

/** The single value of an option, checked against the allowed values. */
export function oneOf<T extends string>(options: Record<string, string[]>, name: string, allowed: readonly T[], fallback: T): T;
export function oneOf<T extends string>(options: Record<string, string[]>, name: string, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(
  options: Record<string, string[]>,
  name: string,
  allowed: readonly T[],
  fallback?: T,
): T | undefined {
  const values = options[name];
  if (!values || values.length === 0) return fallback;
  const value = values[values.length - 1];
  if (!allowed.includes(value as T))
    throw new UsageError(`invalid --${name} ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Reads standard input to its end, or to `limit + 1` bytes, whichever comes first (so a caller can
 * tell "more than the limit" without holding an endless stream).
 */
export async function readProcessStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(bytes);
    size += bytes.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit + 1);
}
