#!/usr/bin/env node
/**
 * `k8s-practice`: the command line over lib/tooling (the commands are in lib/tooling/cli).
 *
 *   k8s-practice validate [files or folders...]   (default: dist; - for stdin; --disable CODE|RULE)
 *   k8s-practice validate --list-rules            (every rule, its codes and severity)
 *   k8s-practice compare <a.yaml> <b.yaml>               (- for stdin on either side)
 *   k8s-practice graph [files or folders...]      (default: dist)
 *   k8s-practice explain RESOURCE[.field.path]
 *   k8s-practice simulate <manifest.yaml> --listener NAME --body FILE [--header K=V]...
 *   k8s-practice kubectl-cache [DIR]                      (kubectl run/expose offline: --cache-dir=DIR)
 *
 * Run it with `npx tsx bin/k8s-practice.ts ...` or, compiled, `node build/bin/k8s-practice.js ...`.
 * To add a command, add an entry to COMMANDS.
 */
import { CommandIO, PROCESS_IO, terminalIO, UsageError, quietOnClosedPipes } from '../lib/tooling/cli/command-io';
import { enableCompileCache } from '../lib/tooling/cli/compile-cache';
import { packageRoot } from '../lib/tooling/foundation/package-root';
import { defaultCacheFolder } from '../lib/tooling/private-cache';

// Each command's module is loaded when the command runs (or shows its usage):
// `validate` does not pay for simulate's CEL interpreter or explain's schemas.
const validateCommand = () => require('../lib/tooling/cli/validate-command') as typeof import('../lib/tooling/cli/validate-command');
const compareCommand = () => require('../lib/tooling/cli/compare-command') as typeof import('../lib/tooling/cli/compare-command');
const graphCommand = () => require('../lib/tooling/cli/graph-command') as typeof import('../lib/tooling/cli/graph-command');
const explainCommand = () => require('../lib/tooling/cli/explain-command') as typeof import('../lib/tooling/cli/explain-command');
const simulateCommand = () => require('../lib/tooling/cli/simulate-command') as typeof import('../lib/tooling/cli/simulate-command');
const kubectlCacheCommand = () =>
  require('../lib/tooling/cli/kubectl-cache-command') as typeof import('../lib/tooling/cli/kubectl-cache-command');

/** A subcommand: one line of help, its usage text, and what it does (returns the exit code). */
export interface Command {
  readonly summary: string;
  readonly usage: readonly string[];
  run(args: readonly string[], io: CommandIO): number | Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  validate: {
    summary: 'validate manifests offline: strict Kubernetes 1.28 + CRD schemas and cross-object rules',
    get usage() {
      return validateCommand().VALIDATE_USAGE;
    },
    run: (args, io) => validateCommand().runValidateCommand(args, io),
  },
  compare: {
    summary: 'compare two YAML files semantically (objects matched by apiVersion/kind/namespace/name)',
    get usage() {
      return compareCommand().COMPARE_USAGE;
    },
    run: (args, io) => compareCommand().runCompareCommand(args, io),
  },
  graph: {
    summary: 'draw each YAML file as a Mermaid diagram: objects and how they refer to each other',
    get usage() {
      return graphCommand().GRAPH_USAGE;
    },
    run: (args, io) => graphCommand().runGraph(args, io),
  },
  explain: {
    summary: 'kubectl explain offline: Kubernetes 1.28 and Tekton fields, and where this project uses them',
    get usage() {
      return explainCommand().EXPLAIN_USAGE;
    },
    run: (args, io) => explainCommand().runExplain(args, io),
  },
  simulate: {
    summary: 'what an EventListener does with one webhook delivery, offline: accept or refuse, and what it creates',
    get usage() {
      return simulateCommand().SIMULATE_USAGE;
    },
    run: (args, io) => simulateCommand().runSimulate(args, io),
  },
  'kubectl-cache': {
    summary: "write kubectl's discovery cache, so `kubectl run`/`expose -f --dry-run=client -o yaml` work with no cluster",
    get usage() {
      return kubectlCacheCommand().KUBECTL_CACHE_USAGE;
    },
    run: (args, io) => kubectlCacheCommand().runKubectlCache(args, io),
  },
};

function help(io: CommandIO): void {
  io.out('usage: k8s-practice <command> [arguments]');
  io.out('commands:');
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  for (const [name, command] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(width)}  ${command.summary}`);
  io.out('Run "k8s-practice <command> --help" for a command\'s options.');
}

/** Runs the CLI with these arguments (without `node` and the script); returns the exit code. */
export async function main(argv: readonly string[], given: CommandIO = PROCESS_IO): Promise<number> {
  // Every line any command prints, manifest text included, goes through the one terminal-text helper.
  const io = terminalIO(given);
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`unknown command "${name}"`);
    help(io);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    for (const line of command.usage) io.out(line);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`k8s-practice ${name}: ${error.message}`);
      for (const line of command.usage) io.err(line);
      return 2;
    }
    io.err(`k8s-practice ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

/**
 * The CLI as a process: runs `main` and sets the exit code. Run compiled (build/), it keeps V8's
 * compiled code of the modules it loads for the next run (lib/tooling/cli/compile-cache.ts), in
 * the package's `node_modules/.cache/k8s-practice-compile`, or a private per-user folder of the
 * temp folder when it has none. Not through tsx: its source maps would not be applied.
 */
export function runAsProcess(argv: readonly string[]): void {
  quietOnClosedPipes();
  const saveCompileCache = __filename.endsWith('.js')
    ? enableCompileCache(defaultCacheFolder(packageRoot(), 'k8s-practice-compile'))
    : () => undefined;
  main(argv).then(
    (code) => {
      process.exitCode = code;
      saveCompileCache();
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) runAsProcess(process.argv.slice(2));
