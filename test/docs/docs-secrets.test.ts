/**
 * Issue 14, secrets in the docs: no command shown puts a secret on a command
 * line (shell history, `ps`, the API server's audit log of exec URLs).
 * README.md and every page under docs/ included. The environment exercise never prints a Secret value (test/constructs/pod/configured-pod.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docPages } from './doc-pages';

const ROOT = join(__dirname, '..', '..');
// A --password flag whose value is written out, not a "$variable" read at run time.
const PASSWORD_FLAG = /--password[\s=]+['"]?[^\s'"$]/;
const DOCS = docPages();

/** The lines inside fenced code blocks. */
export function codeBlockLines(markdown: string): string[] {
  const lines: string[] = [];
  let inside = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inside = !inside;
    else if (inside) lines.push(line);
  }
  return lines;
}

test('the check finds what the old docs had', () => {
  const old =
    'x\n```sh\nkubectl create secret generic a --from-literal=k="$(openssl rand -hex 2)"\ngogs admin create-user --password \'change-me-now\'\n```\n';
  const commands = codeBlockLines(old).join('\n');
  expect(commands).toMatch(/--from-literal/);
  expect(commands).toMatch(PASSWORD_FLAG);
});

describe.each(DOCS)('%s', (doc) => {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const commands = codeBlockLines(text).join('\n');

  test('creates Secrets from stdin, never with --from-literal', () => {
    expect(commands).not.toMatch(/--from-literal/);
  });

  test('passes no password as a literal flag value', () => {
    expect(commands).not.toMatch(PASSWORD_FLAG);
  });
});
