/** docs/generated/exercise-graphs.md: a Mermaid diagram of every exercise chart. */
import { Testing } from 'cdk8s';
import { EXERCISES } from '../../lib/exercises/catalog';
import { buildObjectGraph, SynthesizedObject } from '../../lib/tooling/graph/object-graph';
import { toMermaid } from '../../lib/tooling/graph/mermaid';
import { withScratchApp } from '../scratch-app';
import { generatedPage, Generator } from './generator';

/** One heading and one Mermaid block per exercise. */
export function renderExerciseGraphs(): string {
  const sections = EXERCISES.map((exercise) => {
    const objects = withScratchApp((app) => Testing.synth(exercise.build(app, exercise.id)) as SynthesizedObject[]);
    return `## ${exercise.id}: ${exercise.title}\n\n\`\`\`mermaid\n${toMermaid(buildObjectGraph(objects))}\n\`\`\``;
  });
  return sections.join('\n\n');
}

export const exerciseGraphs: Generator = {
  output: 'docs/generated/exercise-graphs.md',
  render: () =>
    generatedPage(
      'the synthesized charts (scripts/generate/exercise-graphs.ts)',
      'What each chart makes',
      'Objects are nodes; edges are computed from the synthesized objects (`k8s-practice graph` draws the same for any YAML).\n\n' +
        renderExerciseGraphs(),
    ),
};
