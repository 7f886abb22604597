/**
 * Pod Security at synth time: a construct whose pods a Project's enforced level refuses throws in
 * its constructor, naming the field, the value and what is allowed, instead of emitting YAML the
 * API server would refuse pod by pod (validate's psa-* rules stay the second line).
 */
import { Testing } from 'cdk8s';
import { BUILD_PROJECT_QUOTA, BuildPipeline, KanikoTask, PodSecurityLevel, Project, SharedProcessNamespacePod } from '../../../lib';
import { validateObjects } from '../../../lib/tooling/check/validate';

// The build quota: kaniko's TaskRun pod alone exceeds the small default one.
const project = (podSecurity: PodSecurityLevel) =>
  new Project(Testing.app(), 'p', { namespace: 'ci', podSecurity, quota: BUILD_PROJECT_QUOTA });

function errorsOf(chart: Project): string[] {
  const objects = Testing.synth(chart) as any[];
  return validateObjects(objects.map((object, document) => ({ file: 'ci', document, object })))
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.code}: ${f.message}`);
}

describe('BuildPipeline (kaniko runs as root)', () => {
  test('in a restricted Project it throws, naming the Project podSecurity and what is allowed', () => {
    expect(() => new BuildPipeline(project('restricted'), 'build')).toThrow(
      'p/build: invalid Project podSecurity (namespace "ci") "restricted"; expected "privileged" or "baseline": Project "ci" enforces Pod Security "restricted", ' +
        'which refuses a BuildPipeline: the kaniko build step, which runs as root (uid 0) to unpack base images into its own filesystem (it meets only "baseline")',
    );
  });

  test('a KanikoTask alone in a restricted Project throws too (its TaskRuns run in that namespace)', () => {
    expect(() => new KanikoTask(project('restricted'), 'kaniko')).toThrow(
      /^p\/kaniko: invalid Project podSecurity \(namespace "ci"\) "restricted"; expected "privileged" or "baseline"/,
    );
  });

  test.each(['baseline', 'privileged'] as const)('in a %s Project it synthesizes and validates clean', (level) => {
    const chart = project(level);
    new BuildPipeline(chart, 'build');
    expect(errorsOf(chart)).toEqual([]);
  });

  test('outside a Project the namespace is unknown, so nothing is checked at synth time', () => {
    expect(() => new BuildPipeline(Testing.chart(), 'build')).not.toThrow();
  });
});

describe('SharedProcessNamespacePod shellPtraceCapability (SYS_PTRACE needs privileged)', () => {
  test.each(['restricted', 'baseline'] as const)('in a %s Project it throws, naming the prop and both ways out', (level) => {
    expect(() => new SharedProcessNamespacePod(project(level), 'spn', { shellPtraceCapability: true })).toThrow(
      `p/spn: invalid shellPtraceCapability true; expected false (ps and kill still work without it), or a Project with podSecurity "privileged": ` +
        `Project "ci" enforces Pod Security "${level}", which refuses a container that adds the SYS_PTRACE capability (it meets only "privileged")`,
    );
  });

  test('in a privileged Project it synthesizes with the capability and validates clean', () => {
    const chart = project('privileged');
    new SharedProcessNamespacePod(chart, 'spn', { shellPtraceCapability: true });
    const pod = (Testing.synth(chart) as any[]).find((o) => o.kind === 'Pod');
    expect(pod.spec.containers[1].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_PTRACE'] });
    expect(errorsOf(chart)).toEqual([]);
  });

  test('without the capability a restricted Project is fine', () => {
    const chart = project('restricted');
    new SharedProcessNamespacePod(chart, 'spn');
    expect(errorsOf(chart)).toEqual([]);
  });
});
