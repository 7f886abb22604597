/**
 * Writes a Mermaid diagram of every exercise chart into README.md, between
 * the `<!-- graphs:start -->` and `<!-- graphs:end -->` markers.
 * Run `npm run docs`; a test fails when the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { EXERCISES } from '../lib/exercises/catalog';
import { buildObjectGraph, SynthesizedObject } from '../lib/tooling/graph/object-graph';
import { toMermaid } from '../lib/tooling/graph/mermaid';
import { replaceSection } from './readme-section';
import { withScratchApp } from './scratch-app';

export const README = join(__dirname, '..', 'README.md');
/** The generated Markdown: one heading and one Mermaid block per exercise. */
export function renderExerciseGraphs(): string {
  const sections = EXERCISES.map((exercise) => {
    const objects = withScratchApp((app) => Testing.synth(exercise.build(app, exercise.id)) as SynthesizedObject[]);
    const graph = buildObjectGraph(objects);
    return `#### ${exercise.id}: ${exercise.title}\n\n\`\`\`mermaid\n${toMermaid(graph)}\n\`\`\``;
  });
  return sections.join('\n\n');
}

/** README text with the generated section replaced. */
export function withFreshGraphs(readme: string): string {
  return replaceSection(readme, 'graphs', renderExerciseGraphs());
}

if (require.main === module) {
  writeFileSync(README, withFreshGraphs(readFileSync(README, 'utf8')));
  console.log('README.md: exercise graphs updated');
}
