import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** What {@link cdk8sOutdir} decided about `CDK8S_OUTDIR`. */
export interface Cdk8sOutdirDecision {
  /** The folder to copy the result to, or `undefined` for none. */
  readonly outdir?: string;
  /** Why a `CDK8S_OUTDIR` that was set is ignored. */
  readonly ignored?: string;
}

/**
 * `cdk8s synth` hands the app its `output:` folder (from cdk8s.yaml, default
 * `dist`) as `CDK8S_OUTDIR`. The variable may also be left exported from
 * another project; copying there would write into a folder we do not own.
 * So it is honoured only when it names the very folder this project's
 * cdk8s.yaml names.
 *
 * @param projectDir the folder holding cdk8s.yaml
 * @param env the environment (default `process.env`)
 */
export function cdk8sOutdir(projectDir: string, env: NodeJS.ProcessEnv = process.env): Cdk8sOutdirDecision {
  const given = env.CDK8S_OUTDIR;
  if (!given) return {};
  const configFile = join(projectDir, 'cdk8s.yaml');
  let output = 'dist';
  if (existsSync(configFile)) {
    const config: unknown = parse(readFileSync(configFile, 'utf8'));
    if (config && typeof config === 'object' && typeof (config as { output?: unknown }).output === 'string') {
      output = (config as { output: string }).output;
    }
  }
  const expected = canonical(resolve(projectDir, output));
  const actual = canonical(resolve(projectDir, given));
  if (actual !== expected) {
    return {
      ignored: `CDK8S_OUTDIR=${JSON.stringify(given)} is not the output folder ${JSON.stringify(output)} that ${configFile} names; ignored (nothing was written there)`,
    };
  }
  return { outdir: actual };
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. */
function canonical(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return join(canonical(parent), path.slice(parent.length + (parent.endsWith('/') ? 0 : 1)));
}
