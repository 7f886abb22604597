/**
 * The app: synthesizes every practice exercise into `dist/`, one YAML file per
 * chart. Run it with `npm run synth` (or `cdk8s synth`, which runs this file).
 *
 * The output is swapped into `dist/` only when every chart synthesized, so a
 * failing synth leaves the previous `dist/` untouched.
 */
import { join } from 'node:path';
import { App } from 'cdk8s';
import { synthesizeAtomically } from './lib/app/atomic-synth';
import { addExercises } from './lib/exercises/catalog';

export const DIST_DIR = join(__dirname, 'dist');

/** Builds the app that writes into `outdir`. */
export function buildApp(outdir: string): App {
  const app = new App({ outdir });
  addExercises(app);
  return app;
}

if (require.main === module) {
  try {
    // `cdk8s synth` empties its output folder first and lists what the app
    // leaves there; point it at a scratch folder (cdk8s.yaml) and copy there.
    const files = synthesizeAtomically(DIST_DIR, (staging) => buildApp(staging).synth(), {
      alsoCopyTo: process.env.CDK8S_OUTDIR,
    });
    console.log(`dist/: ${files.join(' ')}`);
  } catch (error) {
    console.error(`synth failed, dist/ left unchanged: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
