/**
 * `k8s-practice graph [files or folders...]`: a Mermaid diagram per YAML file
 * (one file = one chart in dist/), edges computed from the objects.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CommandIO, parseArgs } from './command-io';
import { readGuardedText } from '../foundation/guarded-read';
import { loadManifests } from '../foundation/manifest';
import { toMermaid } from '../graph/mermaid';
import { terminalValue } from '../../util/terminal-text';
import { buildObjectGraph, isGraphable, SynthesizedObject } from '../graph/object-graph';

export const GRAPH_USAGE = [
  'usage: k8s-practice graph [files or folders...] [--out <folder>]',
  '  Prints a Mermaid flowchart per YAML file (default folder: dist) as Markdown.',
  '  --out <folder>  write <file>.mmd per YAML file instead of printing; two inputs with the same',
  '                  name, or an existing .mmd file that is not a flowchart, are refused (never overwritten)',
  '  Objects without a string kind and metadata.name are skipped with a message.',
  '  Exit code: 0, or 1 when a file cannot be read or parsed, an object is skipped or an output is refused.',
];

/** Runs the command; returns the exit code. */
export function runGraph(args: readonly string[], io: CommandIO): number {
  const { positional, options } = parseArgs(args, ['out']);
  const loaded = loadManifests(positional.length > 0 ? positional : ['dist']);
  let failed = loaded.findings.some((f) => f.severity === 'error'); // a `tree-changed` warning only says the folder was read again
  for (const finding of loaded.findings) io.err(`${terminalValue(finding.file)}: ${terminalValue(finding.message)}`);
  const outDir = options.out?.[0];
  if (outDir) mkdirSync(outDir, { recursive: true });
  const written = new Map<string, string>();
  for (const file of loaded.files) {
    const objects: SynthesizedObject[] = [];
    for (const o of loaded.objects.filter((m) => m.file === file)) {
      if (isGraphable(o.object)) objects.push(o.object);
      else {
        io.err(`${terminalValue(file)}: document ${o.document + 1}: skipped, not an object with a string kind and metadata.name`);
        failed = true;
      }
    }
    let mermaid: string;
    try {
      mermaid = toMermaid(buildObjectGraph(objects));
    } catch (error) {
      // A shape the graph does not understand (a field of an unexpected type): report it, go on with the other files.
      io.err(`${terminalValue(file)}: cannot draw: ${error instanceof Error ? error.message : String(error)}`);
      failed = true;
      continue;
    }
    if (outDir) {
      const target = join(outDir, `${basename(file).replace(/\.ya?ml$/i, '')}.mmd`);
      const earlier = written.get(target);
      if (earlier !== undefined) {
        io.err(
          `${terminalValue(file)}: not written: ${terminalValue(target)} already holds the graph of ${terminalValue(earlier)} (same file name)`,
        );
        failed = true;
        continue;
      }
      const existing = existsSync(target) ? readGuardedText(target) : undefined;
      if (existing && (existing.problem || !existing.text.startsWith('flowchart '))) {
        const why = existing.problem
          ? terminalValue(existing.problem.message)
          : `${terminalValue(target)} exists and is not a Mermaid flowchart this command wrote`;
        io.err(`${terminalValue(file)}: not written: ${why}`);
        failed = true;
        continue;
      }
      writeFileSync(target, `${mermaid}\n`);
      written.set(target, file);
      io.out(`wrote ${terminalValue(target)}`);
    } else {
      io.out(`### ${terminalValue(file)}\n\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n`);
    }
  }
  return failed ? 1 : 0;
}
