/**
 * The Tasks: the catalog interfaces they keep, their props, and their
 * scripts run for real with the local `sh` and `git` (the clone step against
 * a local repository, with Tekton's substitutions done by the test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { CiPipelineExercise } from '../../../lib/exercises/ci-pipeline-exercise';
import { GIT_IMAGE, KANIKO_IMAGE, KUBECTL_IMAGE } from '../../../lib/constructs/images';
import { BuildPipeline } from '../../../lib/constructs/tekton/build-pipeline';
import { DeployImageTask } from '../../../lib/constructs/tekton/deploy-image-task';
import { GitCloneTask } from '../../../lib/constructs/tekton/git-clone-task';
import { KanikoTask } from '../../../lib/constructs/tekton/kaniko-task';
import { STEP_SCRATCH_VOLUME, scratchHome } from '../../../lib/constructs/tekton/task-steps';
import { quantityToNumber } from '../../../lib/util/resource-quantity';
import { KubeObject, only, synthWith } from '../../support/helpers';

const objects = synthWith((chart) => {
  new BuildPipeline(chart, 'p');
  new DeployImageTask(chart, 'd', { deployments: ['demo-app'] });
});
const task = (name: string) => only(objects, 'Task', name);
const interfaceOf = (t: KubeObject) => ({
  params: t.spec.params.map((p: any) => ({ name: p.name, type: p.type, default: p.default })),
  workspaces: (t.spec.workspaces ?? []).map((w: any) => ({ name: w.name, optional: w.optional ?? false })),
  results: (t.spec.results ?? []).map((r: any) => r.name),
});

describe('catalog interfaces', () => {
  test('git-clone: url (required), revision, ...; workspace output; results commit, url, committer-date', () => {
    expect(interfaceOf(task('git-clone'))).toEqual({
      params: [
        { name: 'url', type: 'string', default: undefined },
        { name: 'revision', type: 'string', default: '' },
        { name: 'depth', type: 'string', default: '1' },
        { name: 'submodules', type: 'string', default: 'true' },
        { name: 'sslVerify', type: 'string', default: 'true' },
        { name: 'subdirectory', type: 'string', default: '' },
        { name: 'deleteExisting', type: 'string', default: 'true' },
        { name: 'verbose', type: 'string', default: 'true' },
      ],
      workspaces: [{ name: 'output', optional: false }],
      results: ['commit', 'url', 'committer-date'],
    });
  });

  test('kaniko: IMAGE, DOCKERFILE, CONTEXT, EXTRA_ARGS (array); workspaces source, dockerconfig; results IMAGE_DIGEST, IMAGE_URL', () => {
    expect(interfaceOf(task('kaniko'))).toEqual({
      params: [
        { name: 'IMAGE', type: 'string', default: undefined },
        { name: 'DOCKERFILE', type: 'string', default: './Dockerfile' },
        { name: 'CONTEXT', type: 'string', default: './' },
        { name: 'EXTRA_ARGS', type: 'array', default: [] },
      ],
      workspaces: [
        { name: 'source', optional: false },
        { name: 'dockerconfig', optional: true },
      ],
      results: ['IMAGE_DIGEST', 'IMAGE_URL'],
    });
    expect(task('kaniko').spec.workspaces[1].mountPath).toBe('/kaniko/.docker');
  });

  test('kaniko: the executor gets the extra args first, then dockerfile, context, destination and digest file', () => {
    const build = task('kaniko').spec.steps[0];
    expect(build.image).toBe(KANIKO_IMAGE);
    expect(build.command).toEqual(['/kaniko/executor']);
    expect(build.args).toEqual([
      '$(params.EXTRA_ARGS[*])',
      '--dockerfile=$(params.DOCKERFILE)',
      '--context=$(workspaces.source.path)/$(params.CONTEXT)',
      '--destination=$(params.IMAGE)',
      '--digest-file=$(results.IMAGE_DIGEST.path)',
    ]);
  });

  test('deploy-image: kubectl set image on the run namespace, no shell needed', () => {
    const step = task('deploy-image').spec.steps[0];
    expect(step.image).toBe(KUBECTL_IMAGE);
    expect(step.script).toBeUndefined();
    expect([...step.command, ...step.args]).toEqual([
      'kubectl',
      'set',
      'image',
      '--namespace=$(context.taskRun.namespace)',
      'deployment/$(params.deployment)',
      '$(params.container)=$(params.image)',
    ]);
    expect(interfaceOf(task('deploy-image')).params.map((p: any) => p.name)).toEqual(['deployment', 'container', 'image']);
  });

  test('images come from lib/images', () => {
    expect(task('git-clone').spec.steps[0].image).toBe(GIT_IMAGE);
  });
});

describe('step resources', () => {
  const steps = objects
    .filter((o) => o.kind === 'Task')
    .flatMap((t) => t.spec.steps.map((step: any) => [`${t.metadata.name}/${step.name}`, step] as const));

  test('the Tasks under test are all of them: git-clone, kaniko (two steps), deploy-image', () => {
    expect(steps.map(([name]) => name).sort()).toEqual([
      'deploy-image/set-image',
      'git-clone/clone',
      'kaniko/build-and-push',
      'kaniko/write-url',
    ]);
  });

  test.each(steps)('%s sets cpu and memory requests and limits, each request at most its limit', (_name, step) => {
    const { requests, limits } = step.computeResources ?? {};
    for (const resource of ['cpu', 'memory']) {
      // A step without a limit gets the namespace LimitRange's default limit, which may be below its request.
      expect({ resource, request: typeof requests?.[resource], limit: typeof limits?.[resource] }).toEqual({
        resource,
        request: 'string',
        limit: 'string',
      });
      expect({ resource, requestAtMostLimit: quantityToNumber(requests[resource]) <= quantityToNumber(limits[resource]) }).toEqual({
        resource,
        requestAtMostLimit: true,
      });
    }
  });

  test('the kaniko build step: 250m / 256Mi requested, limited to 2 CPUs and 2Gi', () => {
    expect(task('kaniko').spec.steps[0].computeResources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '2', memory: '2Gi' },
    });
  });

  test('in the ci exercise, with its LimitRange defaults applied as the API server does, no step requests more than its limit', () => {
    const ci = Testing.synth(new CiPipelineExercise(Testing.app(), 'ci')) as KubeObject[];
    const limitRanges = ci.filter((o) => o.kind === 'LimitRange');
    expect(limitRanges.length).toBeGreaterThan(0);
    const container = limitRanges.flatMap((r) => r.spec.limits).find((l: any) => l.type === 'Container');
    expect(Object.keys(container.default ?? {}).sort()).toEqual(['cpu', 'memory']);
    const ciSteps = ci
      .filter((o) => o.kind === 'Task')
      .flatMap((t) => t.spec.steps.map((s: any) => [`${t.metadata.name}/${s.name}`, s] as const));
    expect(ciSteps.length).toBeGreaterThanOrEqual(4);
    const problems: string[] = [];
    for (const [name, step] of ciSteps) {
      for (const resource of ['cpu', 'memory']) {
        // LimitRanger: a missing limit becomes `default`, a missing request `defaultRequest` (else the limit).
        const limit = step.computeResources?.limits?.[resource] ?? container.default[resource];
        const request = step.computeResources?.requests?.[resource] ?? container.defaultRequest?.[resource] ?? limit;
        if (quantityToNumber(request) > quantityToNumber(limit)) problems.push(`${name}: ${resource} request ${request} > limit ${limit}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('scratch HOME', () => {
  test.each([
    ['git-clone', '/home/git'],
    ['deploy-image', '/tmp'],
  ])('%s: HOME=%s is an emptyDir mounted into the step (the root filesystem is read-only)', (name, home) => {
    const t = task(name);
    const [step] = t.spec.steps;
    expect(step.env).toContainEqual({ name: 'HOME', value: home });
    expect(step.volumeMounts).toEqual([{ name: STEP_SCRATCH_VOLUME, mountPath: home }]);
    expect(t.spec.volumes).toEqual([{ name: STEP_SCRATCH_VOLUME, emptyDir: {} }]);
    expect(step.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('scratchHome gives the HOME variable, the mount and the volume for one path', () => {
    expect(scratchHome('/work')).toEqual({
      env: { name: 'HOME', value: '/work' },
      volumeMounts: [{ name: 'scratch', mountPath: '/work' }],
      volumes: [{ name: 'scratch', emptyDir: {} }],
    });
  });
});

describe('props', () => {
  test('BuildPipeline: context, dockerfile, insecureRegistry and a custom name reach the Pipeline', () => {
    const pipeline = only(
      synthWith(
        (chart) =>
          new BuildPipeline(chart, 'p', {
            name: 'build',
            context: 'app',
            dockerfile: 'app/Containerfile',
            insecureRegistry: false,
          }),
      ),
      'Pipeline',
    );
    expect(pipeline.metadata.name).toBe('build');
    const params = Object.fromEntries(pipeline.spec.tasks[1].params.map((p: any) => [p.name, p.value]));
    expect(params).toEqual({ IMAGE: '$(params.image)', CONTEXT: 'app', DOCKERFILE: 'app/Containerfile', EXTRA_ARGS: [] });
  });

  test('BuildPipeline uses given Tasks by their names', () => {
    const built = synthWith(
      (chart) =>
        new BuildPipeline(chart, 'p', {
          cloneTask: new GitCloneTask(chart, 'c', { name: 'clone' }),
          buildTask: new KanikoTask(chart, 'k', { name: 'build-image' }),
        }),
    );
    expect(only(built, 'Pipeline').spec.tasks.map((t: any) => t.taskRef.name)).toEqual(['clone', 'build-image']);
    expect(
      built
        .filter((o) => o.kind === 'Task')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['build-image', 'clone']);
  });

  test.each([
    [() => new BuildPipeline(Testing.chart(), 'p', { context: '../outside' }), /p: invalid context "..\/outside"/],
    [() => new BuildPipeline(Testing.chart(), 'p', { dockerfile: '/etc/Dockerfile' }), /p: invalid dockerfile "\/etc\/Dockerfile"/],
    [() => new BuildPipeline(Testing.chart(), 'p', { name: 'Build' }), /p: invalid name "Build"; expected a DNS-1123 label/],
    [() => new BuildPipeline(Testing.chart(), 'p', { runnerServiceAccountName: 'a b' }), /p: invalid runnerServiceAccountName "a b"/],
    [() => new GitCloneTask(Testing.chart(), 'g', { image: 'alpine git' }), /g: invalid image "alpine git"/],
    [() => new KanikoTask(Testing.chart(), 'k', { name: 'a'.repeat(64) }), /k: invalid name/],
    [() => new DeployImageTask(Testing.chart(), 'd', { deployments: 'web' as any }), /d: invalid deployments "web"; expected a list/],
    [
      () => new BuildPipeline(Testing.chart(), 'p', { insecureRegistry: 'yes' as any }),
      /p: invalid insecureRegistry "yes"; expected true or false/,
    ],
    [() => new BuildPipeline(Testing.chart(), 'p', { cloneTask: {} as any }), /p: invalid cloneTask \{\}; expected a GitCloneTask/],
    [
      () => new BuildPipeline(Testing.chart(), 'p', { buildTask: { name: 'kaniko' } as any }),
      /p: invalid buildTask .*; expected a KanikoTask/,
    ],
  ])('rejects bad props (%#)', (make, message) => {
    expect(make).toThrow(message);
  });
});

/** Runs a Task step's script with `sh`, doing Tekton's substitutions in its env first. */
function runStep(step: any, substitutions: { [variable: string]: string }, extraEnv: { [name: string]: string } = {}) {
  const env: { [name: string]: string } = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const { name, value } of step.env) {
    env[name] = value.replace(/\$\(([^)]+)\)/g, (m: string, variable: string) => {
      if (!(variable in substitutions)) throw new Error(`test gives no value for ${m}`);
      return substitutions[variable];
    });
  }
  Object.assign(env, extraEnv);
  return spawnSync('sh', ['-c', step.script], { env, encoding: 'utf8', timeout: 30_000 });
}

const hasGit = spawnSync('git', ['--version']).status === 0;

(hasGit ? describe : describe.skip)('the git-clone script, run with sh and git against a local repository', () => {
  const cloneStep = task('git-clone').spec.steps[0];
  const defaults = Object.fromEntries(
    task('git-clone')
      .spec.params.filter((p: any) => p.default !== undefined)
      .map((p: any) => [`params.${p.name}`, p.default]),
  );
  let root: string;
  let url: string;
  const commits: { [name: string]: string } = {};

  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1' } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'git-clone-task-'));
    const work = join(root, 'work');
    mkdirSync(work);
    git(work, 'init', '--quiet', '--initial-branch=master');
    git(work, 'config', 'user.email', 'test@example.local');
    git(work, 'config', 'user.name', 'Test');
    writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'first');
    commits.first = git(work, 'rev-parse', 'HEAD');
    writeFileSync(join(work, 'main.go'), 'package main\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'second');
    commits.master = git(work, 'rev-parse', 'HEAD');
    git(work, 'checkout', '--quiet', '-b', 'feature');
    writeFileSync(join(work, 'feature.txt'), 'x\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'feature');
    commits.feature = git(work, 'rev-parse', 'HEAD');
    git(work, 'checkout', '--quiet', 'master'); // the bare clone's HEAD follows this
    git(root, 'clone', '--quiet', '--bare', work, join(root, 'origin.git'));
    url = `file://${join(root, 'origin.git')}`;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function clone(name: string, params: { [name: string]: string }, extraEnv: { [name: string]: string } = {}) {
    const dir = join(root, name);
    const home = join(dir, 'home');
    const workspace = join(dir, 'workspace');
    const results = join(dir, 'results');
    for (const d of [home, workspace, results]) mkdirSync(d, { recursive: true });
    const substitutions: { [variable: string]: string } = {
      ...defaults,
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`params.${k}`, v])),
      'workspaces.output.path': workspace,
      'results.commit.path': join(results, 'commit'),
      'results.url.path': join(results, 'url'),
      'results.committer-date.path': join(results, 'committer-date'),
    };
    const run = (extra: { [name: string]: string } = {}) =>
      runStep(cloneStep, substitutions, { HOME: home, GIT_CONFIG_NOSYSTEM: '1', ...extraEnv, ...extra });
    const result = (r: string) => readFileSync(join(results, r), 'utf8');
    return { run, workspace, result, head: (subdir = '') => git(join(workspace, subdir), 'rev-parse', 'HEAD') };
  }

  test('checks out a given commit (not a branch tip) and writes the three results without newlines', () => {
    const c = clone('by-commit', { url, revision: commits.first, verbose: 'false' });
    const r = c.run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(c.head()).toBe(commits.first);
    expect(c.result('commit')).toBe(commits.first);
    expect(c.result('url')).toBe(url);
    expect(c.result('committer-date')).toMatch(/^\d+$/);
    expect(existsSync(join(c.workspace, 'Dockerfile'))).toBe(true);
    expect(existsSync(join(c.workspace, 'main.go'))).toBe(false);
  });

  test('falls back to fetching all branches when the server refuses a fetch by commit id (protocol v0)', () => {
    const c = clone(
      'v0',
      { url, revision: commits.first, verbose: 'false' },
      {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'protocol.version',
        GIT_CONFIG_VALUE_0: '0',
      },
    );
    const r = c.run();
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/fetching .* failed; fetching all branches/);
    expect(c.head()).toBe(c.result('commit'));
    expect(c.result('commit')).toBe(commits.first);
  });

  test('a branch name, and the remote HEAD when the revision is empty', () => {
    const feature = clone('branch', { url, revision: 'feature', verbose: 'false' });
    expect(feature.run().status).toBe(0);
    expect(feature.head()).toBe(commits.feature);
    const head = clone('head', { url, verbose: 'false' });
    expect(head.run().status).toBe(0);
    expect(head.head()).toBe(commits.master);
  });

  test('clones into a subdirectory after emptying it, hidden files included', () => {
    const c = clone('subdir', { url, subdirectory: 'src', verbose: 'false' });
    mkdirSync(join(c.workspace, 'src'), { recursive: true });
    writeFileSync(join(c.workspace, 'src', '.stale'), 'old');
    writeFileSync(join(c.workspace, 'src', 'stale.txt'), 'old');
    expect(c.run().status).toBe(0);
    expect(existsSync(join(c.workspace, 'src', '.stale'))).toBe(false);
    expect(existsSync(join(c.workspace, 'src', 'stale.txt'))).toBe(false);
    expect(c.head('src')).toBe(commits.master);
  });

  test('an unknown revision fails the step', () => {
    const r = clone('unknown', { url, revision: 'no-such-branch', verbose: 'false' }).run();
    expect(r.status).not.toBe(0);
  });

  test('params are data, not shell: a URL with $(...) runs nothing', () => {
    const marker = join(root, 'pwned');
    const r = clone('inject', { url: `$(touch ${marker})`, verbose: 'false' }).run();
    expect(r.status).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('the kaniko write-url script, run with sh', () => {
  test('writes IMAGE as IMAGE_URL without a newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaniko-task-'));
    try {
      const step = task('kaniko').spec.steps[1];
      const image = 'registry.ci.svc.cluster.local:5000/gitadmin/demo-app:9b1e7c3';
      const r = runStep(step, { 'params.IMAGE': image, 'results.IMAGE_URL.path': join(dir, 'IMAGE_URL') });
      expect(r.status).toBe(0);
      expect(readFileSync(join(dir, 'IMAGE_URL'), 'utf8')).toBe(image);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
