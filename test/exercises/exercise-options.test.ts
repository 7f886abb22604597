/**
 * Configurable exercises: selection, namespace prefix/suffix, image mirror and
 * node port. Every customized output must validate clean, and the default
 * output must stay byte-identical to the committed dist/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import {
  EXERCISES,
  GIT_IMAGE,
  Images,
  KANIKO_IMAGE,
  addExercises,
  applyImageMirror,
  isPinnedImage,
  mirroredImage,
  PropError,
  selectExercises,
} from '../../lib';
import { validateObjects } from '../../lib/check-api';
import { parseSynthArgs, SYNTH_USAGE } from '../../lib/exercises/synth-options';
import { synthMain } from '../../main';
import { KubeObject } from '../support/helpers';

const ROOT = join(__dirname, '..', '..');

/** Every chart of an app with these options, as objects per chart id. */
function synthExercises(options: Parameters<typeof addExercises>[1] = {}): Record<string, KubeObject[]> {
  const app = Testing.app();
  addExercises(app, options);
  return Object.fromEntries(app.charts.map((chart) => [chart.node.id, chart.toJson() as KubeObject[]]));
}

function expectValid(charts: Record<string, KubeObject[]>): void {
  const objects = Object.entries(charts).flatMap(([id, list]) =>
    list.map((object, document) => ({ file: `${id}.k8s.yaml`, document, object })),
  );
  const result = validateObjects(objects);
  expect(result.findings.map((f) => `${f.file} ${f.kind}/${f.name} ${f.path}: ${f.message}`)).toEqual([]);
}

/** Every container and step image in the objects. */
function images(objects: KubeObject[]): string[] {
  const found: string[] = [];
  const walk = (v: any, key?: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') {
      if (['containers', 'initContainers', 'steps'].includes(key ?? '') && typeof v.image === 'string') found.push(v.image);
      for (const [k, c] of Object.entries(v)) walk(c, k);
    }
  };
  walk(objects);
  return found;
}

const allImages = (charts: Record<string, KubeObject[]>) => images(Object.values(charts).flat());

describe('default output', () => {
  test('no options gives exactly the committed dist/, file by file', () => {
    const app = new App({ outdir: '/nonexistent' });
    addExercises(app);
    const files = readdirSync(join(ROOT, 'dist')).sort();
    expect(app.charts.map((c) => `${c.node.id}.k8s.yaml`)).toEqual(files);
    for (const chart of app.charts) {
      const written = readFileSync(join(ROOT, 'dist', `${chart.node.id}.k8s.yaml`), 'utf8');
      const fresh = chart
        .toJson()
        .map((o: unknown) => stringify(o, { indent: 2 }))
        .join('---\n');
      // the same objects in the same order (the byte-level comparison is main.test.ts's dist freshness test)
      expect(fresh.split('\n---\n').length).toBe(written.split('\n---\n').length);
    }
  });
});

describe('picking exercises', () => {
  test.each([
    [['03'], ['03-expose-nodeport']],
    [
      ['3', '05'],
      ['03-expose-nodeport', '05-shared-process-namespace'],
    ],
    [
      ['08-ci-pipeline', '1'],
      ['01-pod', '08-ci-pipeline'],
    ],
  ])('%j builds %j, in apply order', (only, ids) => {
    expect(Object.keys(synthExercises({ only }))).toEqual(ids);
    expect(selectExercises(only).map((e) => e.id)).toEqual(ids);
  });

  test('an unknown exercise is refused with the list of those that exist', () => {
    expect(() => synthExercises({ only: ['09'] })).toThrow(/invalid only "09"; expected one of 01 \(01-pod\), .*08 \(08-ci-pipeline\)/);
    expect(() => synthExercises({ only: [] })).toThrow(/invalid only \[\]; expected a non-empty list/);
  });
});

describe('namespace prefix and suffix', () => {
  test('every exercise lands in its prefixed and suffixed namespace, and validates clean', () => {
    const charts = synthExercises({ namespacePrefix: 'kim-', namespaceSuffix: '-a' });
    for (const exercise of EXERCISES) {
      const objects = charts[exercise.id];
      const expected = `kim-${exercise.namespace}-a`;
      expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: expected } });
      expect(objects.slice(1).map((o) => o.metadata.namespace ?? (o.kind.startsWith('Cluster') ? expected : undefined))).toEqual(
        objects.slice(1).map(() => expected),
      );
    }
    expectValid(charts);
  });

  test('the CI exercise derives its webhook URLs from the new namespace', () => {
    const ci = JSON.stringify(synthExercises({ only: ['08'], namespaceSuffix: '-lee' })['08-ci-pipeline']);
    expect(ci).toContain('el-gogs-push.ci-lee.svc');
    expect(ci).toContain('DOMAIN = gogs.ci-lee.svc.cluster.local');
    expect(ci).toContain('registry.ci-lee.svc.cluster.local:5000/$(tt.params.image-repo)');
    // only the parameter descriptions' example ("e.g. registry.ci.svc...") keeps the old name
    expect(ci.replace(/e\.g\. registry\.ci\.svc\.cluster\.local:5000\/team\/app/g, '')).not.toMatch(/\.ci\.svc/);
  });

  test('a namespace that would not be a DNS label is refused naming both options', () => {
    expect(() => synthExercises({ namespacePrefix: 'Kim_' })).toThrow(
      /invalid namespacePrefix "Kim_" \/ namespaceSuffix "": namespace "Kim_pod-basics" is not a DNS-1123 label/,
    );
    expect(() => synthExercises({ namespaceSuffix: `-${'x'.repeat(60)}` })).toThrow(
      /namespaceSuffix "-x+": namespace "pod-basics-x+" is not a DNS-1123 label: at most 63/,
    );
  });

  test('snapshot: exercise 06 (moved by patching) with a prefix', () => {
    expect(synthExercises({ only: ['06'], namespacePrefix: 'class1-' })).toMatchSnapshot();
  });
});

describe('image mirror', () => {
  test("a registry replaces every image's registry host, keeps each tag, and the output validates clean", () => {
    const before = allImages(synthExercises());
    const charts = synthExercises({ imageMirror: { registry: 'mirror.example.com:5000/proxy' } });
    const after = allImages(charts);
    expect(after).toHaveLength(before.length);
    expect(after).toEqual(before.map((image) => image.replace(/^[^/]+\//, 'mirror.example.com:5000/proxy/')));
    expect(after.every(isPinnedImage)).toBe(true);
    expect(after).toContain('mirror.example.com:5000/proxy/kaniko-project/executor:v1.23.2');
    expectValid(charts);
  });

  test('per-image overrides win over the registry; other images keep the registry', () => {
    const charts = synthExercises({
      only: ['07', '08'],
      imageMirror: {
        registry: 'mirror.local',
        overrides: { [Images.shell]: 'tools.local/busybox@sha256:' + 'a'.repeat(64), [KANIKO_IMAGE]: 'tools.local/kaniko:v1.23.2' },
      },
    });
    const after = allImages(charts);
    expect(after).toContain('tools.local/busybox@sha256:' + 'a'.repeat(64));
    expect(after).toContain('tools.local/kaniko:v1.23.2');
    expect(after).toContain(`mirror.local/${GIT_IMAGE.replace('docker.io/', '')}`);
    expect(after).not.toContain(Images.shell);
    expectValid(charts);
    expect(charts['07-network-policy']).toMatchSnapshot();
  });

  test('overrides alone leave every other image as it is', () => {
    const after = allImages(
      synthExercises({ only: ['01', '07'], imageMirror: { overrides: { [Images.shell]: 'tools.local/busybox:1.36' } } }),
    );
    expect(after.filter((i) => i === Images.web).length).toBeGreaterThan(0);
    expect(after).toContain('tools.local/busybox:1.36');
  });

  test.each([
    [
      'an unpinned override',
      { overrides: { [Images.shell]: 'tools.local/busybox' } },
      /invalid imageMirror.overrides\["docker.io\/library\/busybox:1.36"\] "tools.local\/busybox"; expected a pinned image reference/,
    ],
    ['a "latest" override', { overrides: { [Images.shell]: 'tools.local/busybox:latest' } }, /expected a pinned image reference/],
    [
      'a registry with a scheme',
      { registry: 'https://mirror.local' },
      /invalid imageMirror.registry "https:\/\/mirror.local"; expected a registry host/,
    ],
    ['a registry with a trailing slash', { registry: 'mirror.local/' }, /invalid imageMirror.registry "mirror.local\/"/],
  ])('refuses %s', (_what, imageMirror, message) => {
    expect(() => synthExercises({ only: ['01'], imageMirror })).toThrow(message);
  });

  test.each(['busybox', 'busybox:1.36', 'library/busybox:1.36', 'docker.io/busybox', 'index.docker.io/library/busybox:1.36'])(
    'an override FROM written short (%s) matches the image the way container runtimes read it',
    (from) => {
      const after = allImages(synthExercises({ only: ['01', '07'], imageMirror: { overrides: { [from]: 'tools.local/busybox:1.36' } } }));
      expect(after).toContain('tools.local/busybox:1.36');
      expect(after).not.toContain(Images.shell);
    },
  );

  test('the full reference wins over a short one for the same image', () => {
    const after = allImages(
      synthExercises({
        only: ['07'],
        imageMirror: { overrides: { busybox: 'short.local/busybox:1.36', [Images.shell]: 'full.local/busybox:1.36' } },
      }),
    );
    expect(after).toContain('full.local/busybox:1.36');
    expect(after).not.toContain('short.local/busybox:1.36');
  });

  test.each(['busyboxx', 'busybox:1.35', 'quay.io/library/busybox:1.36'])(
    'an override FROM that matches no image (%s) is refused, naming it and the images there are',
    (from) => {
      let error: unknown;
      try {
        synthExercises({ only: ['01'], imageMirror: { overrides: { [from]: 'tools.local/busybox:1.36' } } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PropError);
      expect((error as Error).message).toBe(
        `app: invalid imageMirror.overrides key ${JSON.stringify(from)}; expected an image the charts use, written in full or short ` +
          `("busybox" matches every tag of docker.io/library/busybox, "busybox:1.36" that tag): ${Images.web}`,
      );
    },
  );

  test('an override of an image the library ships but the selected exercises do not use is accepted (one list for every selection)', () => {
    expect(() =>
      synthExercises({ only: ['01'], imageMirror: { overrides: { [KANIKO_IMAGE]: 'tools.local/kaniko:v1.23.2' } } }),
    ).not.toThrow();
  });

  test('mirroredImage reads Docker Hub short names the way container runtimes do', () => {
    const mirror = { registry: 'm.local' };
    expect(mirroredImage('nginx:1.27', mirror)).toBe('m.local/library/nginx:1.27');
    expect(mirroredImage('bitnami/nginx:1.27', mirror)).toBe('m.local/bitnami/nginx:1.27');
    expect(mirroredImage('localhost:5000/app:1', mirror)).toBe('m.local/app:1');
    expect(mirroredImage('registry.k8s.io/kubectl:v1.28.15', mirror)).toBe('m.local/kubectl:v1.28.15');
  });

  test("applyImageMirror works on a user's own app too, and reports each rewrite", () => {
    const app = Testing.app();
    selectExercises(['01'])[0].build(app, 'mine');
    expect(applyImageMirror(app, { registry: 'm.local' })).toEqual([
      { from: Images.web, to: 'm.local/nginxinc/nginx-unprivileged:1.27-alpine' },
    ]);
  });
});

describe('node port', () => {
  test('exercise 03 uses the given node port and validates clean', () => {
    const charts = synthExercises({ only: ['03'], nodePort: 31234 });
    const service = charts['03-expose-nodeport'].find((o) => o.kind === 'Service')!;
    expect(service.spec.ports).toEqual([expect.objectContaining({ nodePort: 31234, port: 80 })]);
    expectValid(charts);
  });

  test.each([[80], [32768], [30000.5]])('refuses %p, naming the option and the range', (nodePort) => {
    expect(() => synthExercises({ nodePort })).toThrow(
      new RegExp(`exercise options: invalid nodePort ${nodePort}; expected an integer from 30000 to 32767`),
    );
  });
});

describe('npm run synth -- arguments and environment', () => {
  test('no arguments and no variables: the default (not customized)', () => {
    expect(parseSynthArgs([], {})).toEqual({ options: {}, customized: false });
  });

  test('exercise numbers and options', () => {
    expect(
      parseSynthArgs([
        '03',
        '05',
        '--namespace-suffix=-kim',
        '--image-registry=m.local',
        '--image=a:1=b:2',
        '--image=c:1=d:1',
        '--node-port=30123',
      ]),
    ).toEqual({
      customized: true,
      options: {
        only: ['03', '05'],
        namespaceSuffix: '-kim',
        imageMirror: { registry: 'm.local', overrides: { 'a:1': 'b:2', 'c:1': 'd:1' } },
        nodePort: 30123,
      },
    });
  });

  test('the environment, with the command line winning', () => {
    const env = {
      K8S_PRACTICE_NAMESPACE_PREFIX: 'p-',
      K8S_PRACTICE_IMAGES: 'a:1=b:2, c:1=d:1',
      K8S_PRACTICE_NODE_PORT: '30001',
      K8S_PRACTICE_IMAGE_REGISTRY: 'm.local',
    };
    expect(parseSynthArgs(['--node-port=30002'], env).options).toEqual({
      namespacePrefix: 'p-',
      imageMirror: { registry: 'm.local', overrides: { 'a:1': 'b:2', 'c:1': 'd:1' } },
      nodePort: 30002,
    });
  });

  test.each([
    [['--colour=red'], /unknown option --colour/],
    [['-x'], /unknown argument "-x"/],
    [['--node-port=3e4'], /--node-port: invalid node port "3e4"/],
    [['--image=nonsense'], /--image: invalid image override "nonsense"; expected FROM=TO/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseSynthArgs(argv, {})).toThrow(message);
  });

  test.each([['--help'], ['-h']])('%s prints the usage to stdout and exits 0, without "synth failed" and without synthesizing', (flag) => {
    const out = jest.spyOn(console, 'log').mockImplementation(() => {});
    const err = jest.spyOn(console, 'error').mockImplementation(() => {});
    const exitCode = process.exitCode;
    try {
      synthMain([flag, '--node-port=1']);
      expect(process.exitCode).toBe(exitCode);
      expect(err.mock.calls).toEqual([]);
      expect(out.mock.calls).toEqual([[SYNTH_USAGE]]);
    } finally {
      process.exitCode = exitCode;
      out.mockRestore();
      err.mockRestore();
    }
  });
});
