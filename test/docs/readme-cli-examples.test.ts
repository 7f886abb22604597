/**
 * The `validate` and `compare` examples of the docs (README.md and docs/**\/*.md) run as written:
 * every file they name is in the repository, and each shows the output the command prints today,
 * line for line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../bin/k8s-practice';
import { nativeEnginePath } from '../../lib/tooling/check/api-server-engine';
import { CommandIO } from '../../lib/tooling/cli/command-io';
import { docPages, readDoc } from './doc-pages';

const ROOT = join(__dirname, '..', '..');
const PROMPT = '$ npx tsx bin/k8s-practice.ts ';

interface Example { readonly page: string; readonly command: string; readonly shown: string[] }

/** Each `$ npx tsx bin/k8s-practice.ts validate|compare ...` line of a console block, with the lines under it. */
function docExamples(): Example[] {
  const examples: Example[] = [];
  for (const page of docPages()) {
  for (const block of readDoc(page).matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    let current: { page: string; command: string; shown: string[] } | undefined;
    for (const line of block[1].split('\n')) {
      if (line.startsWith('$ ')) {
        current = line.startsWith(PROMPT) && /^(validate|compare)\b/.test(line.slice(PROMPT.length))
          ? { page, command: line.slice(PROMPT.length), shown: [] } : undefined;
        if (current) examples.push(current);
      } else if (current) {
        current.shown.push(line);
      }
    }
  }
  }
  // A blank line separates examples in a block; it is not output.
  return examples.map((e) => ({ ...e, shown: e.shown.join('\n').trimEnd().split('\n') }));
}

const EXAMPLES = docExamples();
jest.setTimeout(60_000);

test('the docs have the validate and compare examples this test runs, on the pages of their commands', () => {
  expect(EXAMPLES.map((e) => `${e.page} ${e.command.split(' ')[0]}`)).toEqual([
    ...Array(4).fill('docs/cli/compare.md compare'),
    ...Array(3).fill('docs/cli/validate.md validate'),
  ]);
});

test.each(EXAMPLES.map((e) => [e.command, e]))('%s', async (_command, example) => {
  const args = example.command.split(' ');
  // The example of the API-server engine needs it built (npm test builds it when Go is installed).
  if (args.includes('native') && !existsSync(nativeEnginePath())) {
    console.warn(`skipped: "${example.command}" needs the native validation engine (npm run engines:build -- validation; needs Go)`);
    return;
  }
  // Plain words only: the test runs the arguments exactly as a shell would pass them.
  expect(args.every((a) => /^[\w./:=-]+$/.test(a))).toBe(true);
  for (const arg of args.slice(1).filter((a) => /\.(ya?ml|json)$/.test(a))) expect(existsSync(join(ROOT, arg))).toBe(true);
  const lines: string[] = [];
  const errors: string[] = [];
  const io: CommandIO = { out: (l) => lines.push(...l.split('\n')), err: (l) => errors.push(l) };
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    await main(args, io);
  } finally {
    process.chdir(cwd);
  }
  // Without the API-server engine, validate says on stderr which checks it did not make (the docs say so under the example).
  expect(errors).toEqual(
    args.includes('none')
      ? [
          'API-server checks not made: turned off with --api-server none (or $K8S_PRACTICE_API_SERVER=none).',
          expect.stringMatching(/^Not checked: the API server's own validation of built-in objects, /),
        ]
      : [],
  );
  expect(lines).toEqual(example.shown);
});
