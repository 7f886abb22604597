/** The synth is deterministic: two synths give byte-identical files, with no machine paths, timestamps or random suffixes. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp, DIST_DIR } from '../../main';

const ROOT = resolve(__dirname, '..', '..');

describe('deterministic output', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  const synth = (): Record<string, string> => {
    const dir = mkdtempSync(join(tmpdir(), 'determinism-'));
    dirs.push(dir);
    buildApp(dir).synth();
    return Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  };

  test('two synths in a row give byte-identical files', () => {
    const first = synth();
    const second = synth();
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  });

  test('dist/ carries no machine paths, timestamps or random suffixes', () => {
    for (const file of readdirSync(DIST_DIR)) {
      const text = readFileSync(join(DIST_DIR, file), 'utf8');
      // the checkout, the home folder and files under the machine's temp folder (container paths such as /tmp are fine)
      const machinePath = text.includes(ROOT) || text.includes(`${homedir()}/`) || new RegExp(`(^|[\\s"'=:])${tmpdir()}/`).test(text);
      expect({ file, machinePath }).toEqual({ file, machinePath: false });
      expect({ file, timestamp: /\b20\d\d-\d\d-\d\dT\d\d:\d\d/.test(text) }).toEqual({ file, timestamp: false });
      // cdk8s hashes generated names as <name>-c8<6 hex>: every name here is chosen explicitly
      expect({ file, hashedName: /-c8[0-9a-f]{6}\b/.test(text) }).toEqual({ file, hashedName: false });
    }
  });
});
