/**
 * docs/generated/ci-setup.md: the commands that finish exercise 8 (Secrets, Gogs admin,
 * repository, webhook), computed from the exercise's constructs (lib/exercises/ci-setup.ts). The
 * real-node suite runs these very commands.
 */
import { App } from 'cdk8s';
import { CiPipelineExercise } from '../../lib/exercises/ci-pipeline-exercise';
import { ciSetup, renderCiSetup } from '../../lib/exercises/ci-setup';
import { generatedPage, Generator } from './generator';

/** The shell block for the exercise as the app builds it. */
export function ciSetupBlock(): string {
  return renderCiSetup(ciSetup(new CiPipelineExercise(new App(), 'ci')));
}

export const ciSetupPage: Generator = {
  output: 'docs/generated/ci-setup.md',
  render: () =>
    generatedPage(
      'lib/exercises/ci-setup.ts (scripts/generate/ci-setup.ts)',
      'Exercise 8: the Secrets, the Gogs admin, the repository and its webhook',
      'Run after `kubectl apply -f dist/08-ci-pipeline.k8s.yaml` ([exercise 8](../exercises/08-ci-pipeline.md)). ' +
        'The names come from the constructs, so they always match `dist/`.\n\n' +
        ciSetupBlock(),
    ),
};
