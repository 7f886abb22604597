/**
 * The app: synthesizes every practice exercise into `dist/`, one YAML file per
 * chart. Run it with `npm run synth` (or `cdk8s synth`, which runs this file).
 *
 * The output is swapped into `dist/` only when every chart synthesized, so a
 * failing synth leaves the previous `dist/` untouched.
 */
import { join } from 'node:path';
import { App } from 'cdk8s';
import { synthesizeWithSwap, SynthAbortedError } from './lib/exercises/atomic-synth/atomic-swap';
import { cdk8sOutdir } from './lib/exercises/atomic-synth/cdk8s-outdir';
import { addExercises } from './lib/exercises/catalog';
import { ExerciseOptions } from './lib/exercises/exercise-options';
import { parseSynthArgs, SYNTH_USAGE } from './lib/exercises/synth-options';

export const DIST_DIR = join(__dirname, 'dist');

/** Builds the app that writes into `outdir`; with no options, the charts of the committed dist/. */
export function buildApp(outdir: string, options: ExerciseOptions = {}): App {
  const app = new App({ outdir });
  addExercises(app, options);
  return app;
}

/** What running this file does: `npm run synth -- [args]`, or `cdk8s synth`. Sets the exit code. */
export function synthMain(args: readonly string[] = process.argv.slice(2)): void {
  try {
    // `npm run synth -- 03 05 --namespace-suffix=-kim ...` (see SYNTH_USAGE); errors here leave dist/ untouched too.
    const request = parseSynthArgs(args, process.env);
    if (request.help) {
      console.log(SYNTH_USAGE);
      return;
    }
    // `cdk8s synth` empties its output folder first and lists what the app
    // leaves there; cdk8s.yaml points it at a scratch folder and we copy there,
    // but only when CDK8S_OUTDIR is that folder (it may be left exported from
    // another project).
    const copy = cdk8sOutdir(__dirname);
    if (copy.ignored) console.error(`warning: ${copy.ignored}`);
    if (request.customized)
      console.error(`note: customized synth ${JSON.stringify(request.options)}; \`npm run synth\` alone restores the committed dist/`);
    const result = synthesizeWithSwap(DIST_DIR, (staging) => buildApp(staging, request.options).synth(), {
      alsoCopyTo: copy.outdir,
    });
    for (const warning of result.warnings) console.error(`warning: ${warning}`);
    console.log(`dist/: ${result.files.join(' ')}`);
  } catch (error) {
    // Every error synthesizeWithSwap throws is raised before dist/ is touched.
    const message = error instanceof Error ? error.message : String(error);
    console.error(error instanceof SynthAbortedError ? `synth failed, dist/ left unchanged: ${message}` : `synth failed: ${message}`);
    process.exitCode = 1;
  }
}

if (require.main === module) synthMain();
