/** Where a command writes: the CLI passes the process streams, tests collect lines. */
export interface CommandIO {
  /** Writes one line of normal output. */
  out(line: string): void;
  /** Writes one line of diagnostics (usage errors, timings). */
  err(line: string): void;
}

/** CommandIO over the process's stdout and stderr. */
export const PROCESS_IO: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Thrown for a bad command line; the CLI prints the message and the usage, exit code 2. */
export class UsageError extends Error {}

/** Splits arguments into positionals and `--flag value` / `--flag=value` options; `booleans` take no value. */
export function parseArgs(args: readonly string[], valued: readonly string[], booleans: readonly string[] = []): {
  positional: string[]; options: Record<string, string[]>; flags: Set<string>;
} {
  const positional: string[] = [];
  const options: Record<string, string[]> = {};
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      for (const rest of args.slice(i + 1)) positional.push(rest);
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (booleans.includes(name)) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      (options[name] ??= []).push(value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, options, flags };
}

/** The single value of an option, checked against the allowed values. */
export function oneOf<T extends string>(options: Record<string, string[]>, name: string, allowed: readonly T[], fallback: T): T;
export function oneOf<T extends string>(options: Record<string, string[]>, name: string, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(options: Record<string, string[]>, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const values = options[name];
  if (!values || values.length === 0) return fallback;
  const value = values[values.length - 1];
  if (!allowed.includes(value as T)) throw new UsageError(`invalid --${name} ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
  return value as T;
}
