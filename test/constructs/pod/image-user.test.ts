/**
 * The image catalog and what constructs do with it: a pod the kubelet would refuse (a root image
 * under restricted hardening, no runAsUser) is a synth-time error naming the image and the way out;
 * `podSecurity: 'baseline'` is the explicit opt-out, with the hardening it keeps checked field by field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import {
  GIT_IMAGE,
  GOGS_IMAGE,
  Images,
  KANIKO_IMAGE,
  KNOWN_IMAGES,
  KUBECTL_IMAGE,
  lookupImage,
  NODE_IMAGE,
  NOBODY_UID,
  Project,
  PodSecurityLevel,
  REGISTRY_IMAGE,
  RunPod,
  RunPodProps,
  SharedProcessNamespacePod,
} from '../../../lib';
import { locateEngine } from '../../../lib/tooling/check/api-server-engine';
import { validateObjects } from '../../../lib/tooling/check/validate';
import { knownImagesMarkdown } from '../../../lib/constructs/image-catalog';
import { only, synthWith } from '../../support/helpers';

/** No build of the validation engine here: the test through it is skipped. */
const noEngine = 'unavailable' in locateEngine('auto');

/** Synthesizes one RunPod in a Project of this level and validates the result. */
function inProject(level: PodSecurityLevel, props: RunPodProps) {
  const project = new Project(Testing.app(), 'p', { namespace: 'shop', podSecurity: level });
  new RunPod(project, 'pod', props);
  const objects = Testing.synth(project) as any[];
  const findings = validateObjects(objects.map((object, document) => ({ file: 'shop', document, object }))).findings;
  return { pod: only(objects, 'Pod'), findings: findings.map((f) => `${f.code} ${f.severity}: ${f.message}`) };
}

describe('the catalog', () => {
  test('lists every image the library emits, each once', () => {
    const shipped = [Images.web, Images.shell, GOGS_IMAGE, REGISTRY_IMAGE, GIT_IMAGE, KANIKO_IMAGE, KUBECTL_IMAGE, NODE_IMAGE];
    expect(
      KNOWN_IMAGES.filter((i) => i.shipped)
        .map((i) => i.reference)
        .sort(),
    ).toEqual([...shipped].sort());
    expect(new Set(KNOWN_IMAGES.map((i) => lookupImage(i.reference))).size).toBe(KNOWN_IMAGES.length);
  });

  test.each([
    ['nginx', 0],
    ['nginx:1.25', 0],
    ['docker.io/nginx:1.27', 0],
    ['library/nginx', 0],
    ['index.docker.io/library/nginx', 0],
    [`nginx@sha256:${'a'.repeat(64)}`, 0],
    ['busybox', 0],
    ['docker.io/nginxinc/nginx-unprivileged:1.25', 101],
    ['gogs/gogs:next-0.14.3', 1000],
  ] as const)('knows %s (any tag or digest) runs as uid %d', (image, user) => {
    expect(lookupImage(image)?.user).toBe(user);
  });

  test('the library guide shows the error RunPod really gives for the stock nginx', () => {
    const chart = new Chart(Testing.app(), 'my-app');
    let message = '';
    try {
      new RunPod(chart, 'web', { name: 'web', image: 'nginx' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^my-app\/web: invalid image "nginx"/);
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'library.md'), 'utf8')).toContain(`\n${message}\n`);
  });

  test('the docs show the table as generated', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'generated', 'known-images.md'), 'utf8')).toContain(
      knownImagesMarkdown(),
    );
  });

  test('does not claim to know other images', () => {
    expect(lookupImage('ghcr.io/example/nginx:1.0')).toBeUndefined();
    expect(lookupImage('nginxinc/nginx')).toBeUndefined();
  });
});

describe('a known root image under restricted hardening is a synth-time error', () => {
  test.each(['nginx', 'nginx:1.27', 'docker.io/library/busybox:1.36', 'alpine'])('RunPod image %s', (image) => {
    expect(() => synthWith((chart) => new RunPod(chart, 'p', { name: 'web', image }))).toThrow(
      new RegExp(
        `^test/p: invalid image "${image}"; expected an image that runs as a non-root user.*runs as root \\(uid 0.*set runAsUser \\(e\\.g\\. 65534, nobody\\).*podSecurity "baseline"`,
      ),
    );
  });

  test('with runAsUser it is fine, and the pod validates in a restricted Project', () => {
    const { pod, findings } = inProject('restricted', {
      name: 'box',
      image: Images.shell,
      runAsUser: NOBODY_UID,
      command: ['sleep', '3600'],
    });
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: NOBODY_UID,
      readOnlyRootFilesystem: true,
    });
    expect(findings).toEqual([]);
  });

  test('an image the catalog does not know is not checked (the docs say how to find its user)', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { name: 'web', image: 'ghcr.io/example/app:1.0' })),
      'Pod',
    );
    expect(pod.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
  });

  test('SharedProcessNamespacePod refuses a root web image, naming webImage and Images.web', () => {
    expect(() => synthWith((chart) => new SharedProcessNamespacePod(chart, 's', { webImage: 'nginx:1.27' }))).toThrow(
      /^test\/s: invalid webImage "nginx:1\.27"; expected an image that runs as a non-root user.*use Images\.web \("docker\.io\/nginxinc\/nginx-unprivileged:1\.27-alpine", uid 101, port 8080\)$/,
    );
  });
});

describe("podSecurity: 'baseline'", () => {
  const stockNginx: RunPodProps = { name: 'web', image: 'nginx:1.27', port: 80, podSecurity: 'baseline' };

  test('keeps what baseline allows and drops what root needs', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', stockNginx)),
      'Pod',
    );
    expect(pod.spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } });
    // The root filesystem is writable, so no scratch volume by default.
    expect(pod.spec.volumes).toBeUndefined();
    expect(pod.spec.containers[0].volumeMounts).toBeUndefined();
    expect(pod.spec.containers[0].resources.limits).toEqual({ cpu: '200m', memory: '128Mi' });
  });

  test.each(['baseline', 'privileged'] as const)('validates clean in a Project that enforces %s', (level) => {
    expect(inProject(level, stockNginx).findings).toEqual([]);
  });

  test('in a restricted Project it is a synth-time error naming the field and both ways out', () => {
    expect(() => inProject('restricted', stockNginx)).toThrow(
      'p/pod: invalid podSecurity "baseline"; expected "restricted" (with runAsUser for a root image), or a Project with podSecurity "privileged" or "baseline": ' +
        'Project "shop" enforces Pod Security "restricted", which refuses a container hardened only for "baseline" (root allowed, capabilities kept) (it meets only "baseline")',
    );
  });

  (noEngine ? test.skip : test)('the validator agrees: the same pod, restricted namespace, is refused by PodSecurity (the engine)', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', stockNginx)),
      'Pod',
    );
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    };
    const objects = [namespace, { ...pod, metadata: { ...pod.metadata, namespace: 'shop' } }];
    const result = validateObjects(
      objects.map((object, document) => ({ file: 'x', document, object })),
      { apiServer: 'auto' },
    );
    expect(result.findings.map((f) => `${f.code} (${f.engine})`)).toEqual(['api-server (PodSecurity)']);
    expect(result.findings[0]!.message).toMatch(
      /violates PodSecurity "restricted:latest": .*unrestricted capabilities .*runAsNonRoot != true/,
    );
  });

  test('runAsUser 0 is allowed under baseline only', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { ...stockNginx, runAsUser: 0 })),
      'Pod',
    );
    expect(pod.spec.containers[0].securityContext.runAsUser).toBe(0);
    expect(() => synthWith((chart) => new RunPod(chart, 'p', { name: 'web', runAsUser: 0 }))).toThrow(
      'test/p: invalid runAsUser 0; expected a positive integer up to 2147483647 (a non-root uid; 0 needs podSecurity "baseline")',
    );
  });

  test('writablePaths still add emptyDirs when asked', () => {
    const pod = only(
      synthWith((chart) => new RunPod(chart, 'p', { ...stockNginx, writablePaths: ['/var/cache/nginx'] })),
      'Pod',
    );
    expect(pod.spec.volumes).toEqual([{ name: 'var-cache-nginx', emptyDir: {} }]);
  });

  test('a value outside the two levels names what is allowed', () => {
    expect(() => synthWith((chart) => new RunPod(chart, 'p', { name: 'web', podSecurity: 'privileged' as never }))).toThrow(
      'test/p: invalid podSecurity "privileged"; expected one of "restricted", "baseline"',
    );
  });
});
