/**
 * `validate --with-engines`: the plumbing around Tekton's admission program. The program itself
 * (Go, tools/engines/tekton) is exercised by the real-engine suite; here a stand-in prints what
 * it prints, so `npm test` needs no Go.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { runValidate } from '../../../lib/tooling/cli/validate-command';

const GOOD = join(__dirname, 'fixtures', 'good-app.yaml');

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

let dir = '';
const saved = process.env.K8S_PRACTICE_TEKTON_ADMISSION;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'with-engines-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.K8S_PRACTICE_TEKTON_ADMISSION;
  else process.env.K8S_PRACTICE_TEKTON_ADMISSION = saved;
});

/** A stand-in for tekton-admission that answers with `lines` (JSON lines) and `status`. */
function standIn(lines: object[], status: number): string {
  const file = join(dir, `admission-${status}-${lines.length}`);
  writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nEOF\nexit ${status}\n`);
  chmodSync(file, 0o755);
  return file;
}

test("each error of Tekton's admission becomes an error finding, and the exit code says so", () => {
  process.env.K8S_PRACTICE_TEKTON_ADMISSION = standIn(
    [
      {
        file: GOOD,
        document: 13,
        apiVersion: 'tekton.dev/v1',
        kind: 'Task',
        name: 'hello',
        errors: ['non-existent variable in "echo $(params.x)": spec.steps[0].script'],
      },
      { file: GOOD, document: 14, apiVersion: 'tekton.dev/v1', kind: 'TaskRun', name: 'hello-run', errors: [] },
    ],
    1,
  );
  const io = collect();
  expect(runValidate([GOOD, '--with-engines'], io)).toBe(1);
  expect(io.lines).toContain(
    `${GOOD}: Task/hello (object) [tekton-admission] error (Tekton admission): Tekton's admission refuses it: non-existent variable in "echo $(params.x)": spec.steps[0].script`,
  );
  expect(io.lines[io.lines.length - 1]).toMatch(/^1 error, 0 warnings/);
});

test("without findings the result is the validator's own", () => {
  process.env.K8S_PRACTICE_TEKTON_ADMISSION = standIn(
    [{ file: GOOD, document: 13, apiVersion: 'tekton.dev/v1', kind: 'Task', name: 'hello', errors: [] }],
    0,
  );
  const io = collect();
  expect(runValidate([GOOD, '--with-engines'], io)).toBe(0);
  expect(io.lines).toEqual([expect.stringMatching(/^0 errors, 0 warnings/)]);
});

test('a missing program is a usage error that says how to build it', () => {
  process.env.K8S_PRACTICE_TEKTON_ADMISSION = join(dir, 'nowhere');
  const io = collect();
  expect(runValidate([GOOD, '--with-engines'], io)).toBe(2);
  expect(io.errors.join('\n')).toMatch(/--with-engines needs .*nowhere: build it with `npm run engines:build -- tekton`/);
});
