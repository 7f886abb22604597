/**
 * `k8s-practice graph [files or folders...]`: a Mermaid diagram per YAML file
 * (one file = one chart in dist/), edges computed from the objects.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CommandIO, parseArgs } from '../check/command-io';
import { loadManifests } from '../check/manifest';
import { toMermaid } from './mermaid';
import { buildObjectGraph, SynthesizedObject } from './object-graph';

export const GRAPH_USAGE = [
  'usage: k8s-practice graph [files or folders...] [--out <folder>]',
  '  Prints a Mermaid flowchart per YAML file (default folder: dist) as Markdown.',
  '  --out <folder>  write <file>.mmd per YAML file instead of printing',
  '  Exit code: 0, or 1 when a file cannot be read or parsed.',
];

/** Runs the command; returns the exit code. */
export function runGraph(args: readonly string[], io: CommandIO): number {
  const { positional, options } = parseArgs(args, ['out']);
  const loaded = loadManifests(positional.length > 0 ? positional : ['dist']);
  for (const finding of loaded.findings) io.err(`${finding.file}: ${finding.message}`);
  const outDir = options.out?.[0];
  if (outDir) mkdirSync(outDir, { recursive: true });
  for (const file of loaded.files) {
    const objects = loaded.objects.filter((o) => o.file === file).map((o) => o.object as SynthesizedObject);
    const mermaid = toMermaid(buildObjectGraph(objects));
    if (outDir) {
      const target = join(outDir, `${basename(file).replace(/\.ya?ml$/i, '')}.mmd`);
      writeFileSync(target, `${mermaid}\n`);
      io.out(`wrote ${target}`);
    } else {
      io.out(`### ${file}\n\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n`);
    }
  }
  return loaded.findings.length > 0 ? 1 : 0;
}
