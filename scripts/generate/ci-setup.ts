/**
 * Writes the commands that finish exercise 8 (Secrets, Gogs admin, repository, webhook) into
 * README.md between `<!-- ci-setup:start -->` and `<!-- ci-setup:end -->`, computed from the
 * exercise's constructs (lib/exercises/ci-setup.ts). Run `npm run docs`; a test fails when the
 * section is stale, and the real-Gogs test runs these very commands.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { App } from 'cdk8s';
import { CiPipelineExercise } from '../lib/exercises/ci-pipeline-exercise';
import { ciSetup, renderCiSetup } from '../lib/exercises/ci-setup';
import { README } from './readme-graphs';
import { replaceSection } from './readme-section';

/** The rendered section for the exercise as the app builds it. */
export function ciSetupSection(): string {
  return renderCiSetup(ciSetup(new CiPipelineExercise(new App(), 'ci')));
}

if (require.main === module) {
  writeFileSync(README, replaceSection(readFileSync(README, 'utf8'), 'ci-setup', ciSetupSection()));
  console.log('README.md: exercise 8 setup commands updated');
}
