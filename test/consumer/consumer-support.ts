/** What the two consumer suites share: the repository, its package.json, and how they run commands. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

export const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', ...env },
  });
export const peers = () => [
  `cdk8s@${pkg.devDependencies.cdk8s}`,
  `cdk8s-plus-28@${pkg.devDependencies['cdk8s-plus-28']}`,
  `constructs@${pkg.devDependencies.constructs}`,
];
/** TypeScript 7 (the native compiler), which removed `moduleResolution: node`; a fresh `npm i -D typescript` gets it. */
export const TYPESCRIPT_7 = '7.0.2';
/** The files `node -e` loaded, as a JSON list, after requiring `specifier`. */
export const loadedBy = (specifier: string, cwd: string): string[] =>
  JSON.parse(run('node', ['-e', `require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(require.cache)))`], cwd));
