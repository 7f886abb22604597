/**
 * The yardsticks `npm run bench` compares against, built in a temp folder:
 *
 * - `stock`: what `cdk8s init typescript-app` creates (the template's main.ts,
 *   tsconfig.json and cdk8s.yaml: `app: npx ts-node main.ts`), with the
 *   lockfile's versions of cdk8s-cli, cdk8s, constructs, ts-node and
 *   TypeScript (node_modules links to this repository's, which `npm ci`
 *   installs from the lockfile). Its k8s imports are left out: main.ts does
 *   not load them.
 * - `plain`: the same objects as dist/, written as plain cdk8s `ApiObject`s in
 *   one compiled JavaScript file: what synthesizing this output costs with no
 *   construct code and no TypeScript tooling.
 * - `nothing`: a cdk8s.yaml whose app only creates the output folder (`app: mkdir -p dist`): the CLI's own cost.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The template `cdk8s init typescript-app` copies (in the cdk8s-cli version of the lockfile). */
const TEMPLATE = join('node_modules', 'cdk8s-cli', 'templates', 'typescript-app');

export interface Yardsticks {
  readonly stock: string;
  readonly plain: string;
  readonly nothing: string;
  /** The plain app's entry file. */
  readonly plainMain: string;
}

/** Builds the three yardstick folders under `base`; `root` is this repository. */
export function buildYardsticks(root: string, base: string): Yardsticks {
  const stock = join(base, 'stock');
  mkdirSync(stock);
  symlinkSync(join(root, 'node_modules'), join(stock, 'node_modules'));
  // main.ts (one empty chart), tsconfig.json and cdk8s.yaml (app: npx ts-node main.ts) as the template has them.
  const template = join(root, TEMPLATE);
  writeFileSync(join(stock, 'main.ts'), readFileSync(join(template, 'main.ts'), 'utf8').replace('{{ $base }}', 'stock'));
  for (const file of ['tsconfig.json', 'cdk8s.yaml']) writeFileSync(join(stock, file), readFileSync(join(template, file)));
  writeFileSync(join(stock, 'package.json'), JSON.stringify({ name: 'stock', version: '1.0.0', private: true, main: 'main.js' }));

  const plain = join(base, 'plain');
  mkdirSync(plain);
  symlinkSync(join(root, 'node_modules'), join(plain, 'node_modules'));
  const dist = join(root, 'dist');
  const charts = readdirSync(dist)
    .filter((f) => f.endsWith('.k8s.yaml'))
    .sort()
    .map((file) => ({
      id: file.replace(/\.k8s\.yaml$/, ''),
      objects: parseAllDocuments(readFileSync(join(dist, file), 'utf8'))
        .map((d) => d.toJS())
        .filter((o) => o),
    }));
  const plainMain = join(plain, 'main.js');
  writeFileSync(
    plainMain,
    [
      "'use strict';",
      "const { App, Chart, ApiObject } = require('cdk8s');",
      `const CHARTS = ${JSON.stringify(charts)};`,
      'const app = new App({ outdir: process.argv[2] });',
      'for (const { id, objects } of CHARTS) {',
      '  const chart = new Chart(app, id, { disableResourceNameHashes: true });',
      '  objects.forEach((object, i) => new ApiObject(chart, `o${i}`, object));',
      '}',
      'app.synth();',
      '',
    ].join('\n'),
  );

  const nothing = join(base, 'nothing');
  mkdirSync(nothing);
  writeFileSync(join(nothing, 'cdk8s.yaml'), 'language: typescript\napp: mkdir -p dist\n');
  return { stock, plain, nothing, plainMain };
}
