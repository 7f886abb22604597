/**
 * The "kubectl's own output, without a cluster" block of docs/cli/compare.md, run as written with a real
 * kubectl 1.28 (`.engines/bin/kubectl`, built by `npm run engines:build`; or the one
 * K8S_PRACTICE_KUBECTL names) put first on PATH as `kubectl`. Without one, the run is skipped
 * with the reason printed (an error under K8S_PRACTICE_REQUIRE_KUBECTL=1, which .ci/run sets); the cache it relies on is checked without kubectl in
 * test/tooling/kubectl-cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Block {
  /** Each command, its continuation lines joined (`\` line ends kept, as a shell reads them). */
  readonly commands: string[];
  /** The lines the block shows as output. */
  readonly output: string[];
}

/** The console block between the kubectl-offline markers. */
function readmeBlock(): Block {
  const readme = readFileSync(join(ROOT, 'docs', 'cli', 'compare.md'), 'utf8');
  const section = /<!-- kubectl-offline:start -->([\s\S]*?)<!-- kubectl-offline:end -->/.exec(readme)?.[1] ?? '';
  const body = /```console\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const commands: string[] = [];
  const output: string[] = [];
  let continued = false;
  for (const line of body.trimEnd().split('\n')) {
    if (continued) commands[commands.length - 1] += `\n${line}`;
    else if (line.startsWith('$ ')) commands.push(line.slice(2));
    else output.push(line);
    continued = (line.startsWith('$ ') || continued) && line.endsWith('\\');
  }
  return { commands, output };
}

/** The kubectl to run the block with, or why there is none. */
function findKubectl(): { kubectl?: string; reason?: string } {
  const kubectl = process.env.K8S_PRACTICE_KUBECTL ?? join(ROOT, '.engines', 'bin', 'kubectl');
  if (!existsSync(kubectl)) return { reason: `${kubectl} does not exist (npm run engines:build builds it)` };
  const version = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).stdout ?? '';
  if (!/Client Version: v1\.28\./.test(version)) return { reason: `${kubectl} is not kubectl 1.28: ${version.split('\n')[0]}` };
  return { kubectl: resolve(kubectl) };
}

const BLOCK = readmeBlock();
const { kubectl, reason } = findKubectl();
if (!kubectl) {
  // CI runs this file again once test:cluster has built kubectl, and there it must not be skipped.
  if (process.env.K8S_PRACTICE_REQUIRE_KUBECTL === '1') throw new Error(`K8S_PRACTICE_REQUIRE_KUBECTL=1, but ${reason}`);
  console.log(`test/docs/kubectl-offline: docs/cli/compare.md's kubectl commands are not run: ${reason}`);
}

test('the block seeds the cache with kubectl-cache, then runs kubectl run | expose -f - | compare -', () => {
  expect(BLOCK.commands).toHaveLength(2);
  expect(BLOCK.commands[0]).toBe('cache=$(npx tsx bin/k8s-practice.ts kubectl-cache)');
  const pipeline = BLOCK.commands[1]!;
  expect(pipeline.match(/KUBECONFIG=\/nonexistent kubectl --cache-dir="\$cache" /g)).toHaveLength(2);
  expect(pipeline).toMatch(/\bkubectl --cache-dir="\$cache" run nginx .*--dry-run=client -o yaml \\\n/);
  expect(pipeline).toMatch(/\bkubectl --cache-dir="\$cache" expose -f - .*--dry-run=client -o yaml \\\n/);
  expect(pipeline).toMatch(/\| npx tsx bin\/k8s-practice\.ts compare - dist\/02-expose-clusterip\.k8s\.yaml /);
  expect(BLOCK.output[0]).toBe('a: <stdin>');
});

(kubectl ? test : test.skip)(
  'with kubectl 1.28 and no cluster, the block prints what the page shows',
  () => {
    const bin = mkdtempSync(join(tmpdir(), 'kubectl-offline-bin-'));
    let cache = '';
    try {
      symlinkSync(kubectl!, join(bin, 'kubectl'));
      // The block as one script, its last command's status kept; the cache folder is printed at the end for the test to remove.
      const script = `set -o pipefail\n${BLOCK.commands.join('\n')}\nstatus=$?\necho "$cache" >&2\nexit $status\n`;
      const run = spawnSync('bash', ['-c', script], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      });
      cache = run.stderr.trim().split('\n').pop() ?? '';
      // compare exits 1: the page shows one difference.
      expect({ status: run.status, stdout: run.stdout.trimEnd().split('\n') }).toEqual({ status: 1, stdout: BLOCK.output });
      expect(run.stderr.trim()).toBe(cache); // nothing else on stderr: kubectl never tried to connect
      expect(readdirSync(join(cache, 'discovery'))).toEqual(['localhost_8080']);
    } finally {
      rmSync(bin, { recursive: true, force: true });
      if (cache.includes('k8s-practice-kubectl-cache-')) rmSync(cache, { recursive: true, force: true });
    }
  },
  120_000,
);
