/**
 * Tekton's release manifests committed in tools/cluster/tekton-release/ (exercise 8 on a real
 * node): they are what tools/cluster/tekton-release.ts makes from the modules
 * tools/engines/tekton/go.mod pins (checked when Go and the module cache are present), they name
 * only images tools/images builds, and they fit a Kubernetes 1.28 API server: built-in kinds of
 * 1.28, PodSecurity "restricted" namespaces whose Deployments meet it, webhooks backed by a
 * Service and a Deployment of the same manifests, containers whose user and writable paths the
 * stand-in images agree with.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  GoModule,
  SHELL_IMAGE,
  TEKTON_RELEASES,
  TEKTON_RELEASE_DIR,
  generateRelease,
  koFiles,
  pinnedModule,
  setReleaseVersion,
  standInImages,
} from '../../tools/cluster/tekton-release';

const REPO = join(__dirname, '..', '..');

type Obj = Record<string, any>;

interface StandIn {
  readonly name: string;
  readonly reference: string;
  readonly builder: string;
  readonly importPath?: string;
  readonly links?: Record<string, string>;
  readonly config: { readonly user: number; readonly entrypoint: readonly string[] };
  readonly writablePaths: readonly string[];
}
const STAND_INS: readonly StandIn[] = (
  JSON.parse(readFileSync(join(REPO, 'tools', 'images', 'stand-ins.json'), 'utf8')) as { images: StandIn[] }
).images;
const standInOf = (reference: string) => STAND_INS.find((s) => s.reference === reference);

/** Used only on Windows nodes (script steps of a Windows pod); there are none here, so it is left as upstream names it. */
const WINDOWS_SHELL_IMAGE = /^mcr\.microsoft\.com\/powershell:nanoserver@sha256:[0-9a-f]{64}$/;

const TEXT = new Map(TEKTON_RELEASES.map((r) => [r.file, readFileSync(join(TEKTON_RELEASE_DIR, r.file), 'utf8')]));
const OBJECTS: { file: string; object: Obj }[] = [...TEXT].flatMap(([file, text]) =>
  parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as Obj | null;
    })
    .filter((object): object is Obj => object !== null)
    .map((object) => ({ file, object })),
);
const ofKind = (kind: string) => OBJECTS.filter((o) => o.object.kind === kind).map((o) => o.object);
const DEPLOYMENTS = ofKind('Deployment');
const containersOf = (d: Obj): Obj[] => [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers];

/** The modules as pinned, or why they cannot be read here. */
let modules: Map<string, GoModule> | undefined;
let unavailable = '';
try {
  modules = new Map(TEKTON_RELEASES.map((r) => [r.module, pinnedModule(r.module)]));
} catch (error) {
  unavailable = (error as Error).message;
}
if (!modules) console.log(`test/cluster-tooling/tekton-release: the committed manifests are not compared with the modules: ${unavailable}`);

describe('the generator', () => {
  (modules ? test : test.skip).each(TEKTON_RELEASES.map((r) => [r.file, r] as const))(
    '%s is what the pinned module gives (npx tsx tools/cluster/tekton-release.ts rewrites it)',
    (file, release) => {
      const module = modules!.get(release.module)!;
      expect(module.version).toBe(release.module.endsWith('/pipeline') ? 'v1.15.0' : 'v0.37.0');
      expect(generateRelease(release, module) === TEXT.get(file)).toBe(true);
      // The README's URL it stands for names the same version and file.
      expect(release.releaseUrl).toMatch(new RegExp(`/previous/${module.version}/${release.upstreamFile}$`));
    },
  );

  (modules ? test : test.skip)('the Pipelines controller runs the helper images by the paths the stand-ins have (pkg/pod)', () => {
    const pipeline = modules!.get('github.com/tektoncd/pipeline')!;
    const source = ['pod.go', 'workingdir_init.go'].map((f) => readFileSync(join(pipeline.dir, 'pkg', 'pod', f), 'utf8')).join('\n');
    for (const command of ['entrypoint', 'sidecarlogresults', 'workingdirinit']) {
      expect(source).toContain(`"/ko-app/${command}"`);
      expect(standInOf(`ghcr.io/tektoncd/pipeline/${command}:v1.15.0`)?.config.entrypoint).toEqual([`/ko-app/${command}`]);
    }
  });

  test('reads the files in the order of Go’s filepath.Walk, .yaml and .json only, folders only with -R', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ko-files-'));
    try {
      for (const file of ['b.yaml', 'a.json', 'Z.yaml', 'c.yml', 'dummy.go', 'sub/y.yaml', 'sub/x.yaml', 'a-dir/k.yaml']) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), 'x: 1\n');
      }
      const names = (recursive: boolean) => koFiles(dir, recursive).map((f) => f.slice(dir.length + 1));
      expect(names(true)).toEqual(['Z.yaml', 'a-dir/k.yaml', 'a.json', 'b.yaml', 'sub/x.yaml', 'sub/y.yaml']);
      expect(names(false)).toEqual(['Z.yaml', 'a.json', 'b.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('sets the quoted "devel" of the three keys publish.yaml’s sed rewrites, and nothing else', () => {
    const text = [
      'pipeline.tekton.dev/release: "devel"',
      'app.kubernetes.io/version: "devel"',
      'version: "devel"',
      'resolution.tekton.dev/release: devel',
      '"development": false,',
    ].join('\n');
    expect(setReleaseVersion(text, 'pipeline.tekton.dev/release', 'v1.15.0').split('\n')).toEqual([
      'pipeline.tekton.dev/release: "v1.15.0"',
      'app.kubernetes.io/version: "v1.15.0"',
      'version: "v1.15.0"',
      'resolution.tekton.dev/release: devel',
      '"development": false,',
    ]);
  });

  test('refuses a ko:// import path that has no stand-in image', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ko-unknown-'));
    try {
      mkdirSync(join(dir, 'config'));
      writeFileSync(join(dir, 'config', 'd.yaml'), 'image: ko://example.com/cmd/unknown\n');
      const release = TEKTON_RELEASES[1]!;
      expect(() => generateRelease(release, { path: release.module, version: 'v0.0.0', dir })).toThrow(
        /no stand-in image for ko:\/\/example.com\/cmd\/unknown/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the committed manifests', () => {
  test('parse, and hold what the releases hold (the check is not vacuous)', () => {
    expect(OBJECTS.length).toBeGreaterThan(100);
    expect(DEPLOYMENTS.map((d) => d.metadata.name).sort()).toEqual([
      'tekton-events-controller',
      'tekton-pipelines-controller',
      'tekton-pipelines-remote-resolvers',
      'tekton-pipelines-webhook',
      'tekton-triggers-controller',
      'tekton-triggers-core-interceptors',
      'tekton-triggers-webhook',
    ]);
  });

  test('no ko:// reference and no "devel" version label is left', () => {
    for (const [file, text] of TEXT) {
      expect([file, text.includes('ko://')]).toEqual([file, false]);
      expect([file, text.match(/^\s*(\S+\/release|app\.kubernetes\.io\/version|version): "devel"/m)]).toEqual([file, null]);
    }
  });

  test('every image they name is one tools/images builds (the Windows shell image aside)', () => {
    const images = new Set<string>();
    for (const d of DEPLOYMENTS) {
      for (const c of containersOf(d)) {
        images.add(c.image);
        // The controllers' image flags: -entrypoint-image, -nop-image, ..., -el-image.
        const args: string[] = c.args ?? [];
        args.forEach((arg, i) => {
          if (/^-[\w-]*-image(-win)?$/.test(arg)) images.add(args[i + 1]!);
        });
      }
    }
    expect(images.size).toBe(14);
    const references = new Set(STAND_INS.map((s) => s.reference));
    const missing = [...images].filter((image) => !references.has(image) && !WINDOWS_SHELL_IMAGE.test(image));
    expect(missing).toEqual([]);
    expect(images).toContain(SHELL_IMAGE);
    // Every ko-app stand-in is used, and the generator maps exactly those.
    expect(STAND_INS.filter((s) => s.builder === 'ko-app' && !images.has(s.reference)).map((s) => s.name)).toEqual([]);
    expect([...standInImages().values()].sort()).toEqual(
      STAND_INS.filter((s) => s.builder === 'ko-app')
        .map((s) => s.reference)
        .sort(),
    );
  });

  test('each Deployment runs its stand-in as the user the image has, and mounts what the image writes on its read-only root', () => {
    for (const d of DEPLOYMENTS) {
      for (const c of containersOf(d)) {
        const image = standInOf(c.image)!;
        const sc = c.securityContext ?? {};
        expect([d.metadata.name, sc.runAsUser]).toEqual([d.metadata.name, image.config.user]);
        expect([d.metadata.name, sc.readOnlyRootFilesystem]).toEqual([d.metadata.name, true]);
        const mounts: string[] = (c.volumeMounts ?? []).map((m: Obj) => m.mountPath);
        expect([d.metadata.name, image.writablePaths.filter((p) => !mounts.includes(p))]).toEqual([d.metadata.name, []]);
        // A command of its own must start with a program the image has (the resolvers: /sbin/tini).
        const program = (c.command ?? image.config.entrypoint)[0];
        expect([d.metadata.name, program === image.config.entrypoint[0] || program in (image.links ?? {})]).toEqual([
          d.metadata.name,
          true,
        ]);
      }
    }
  });
});

describe('the manifests on a Kubernetes 1.28 API server', () => {
  const definitions = (
    JSON.parse(readFileSync(join(REPO, 'schemas', 'k8s-1.28', '_definitions.json'), 'utf8')) as {
      definitions: Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }>;
    }
  ).definitions;
  const builtIn = new Set(
    Object.values(definitions).flatMap((d) =>
      (d['x-kubernetes-group-version-kind'] ?? []).map((g) => `${g.group ? `${g.group}/` : ''}${g.version} ${g.kind}`),
    ),
  );
  const crdKinds = new Set(
    ofKind('CustomResourceDefinition').flatMap((crd) =>
      crd.spec.versions.filter((v: Obj) => v.served).map((v: Obj) => `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`),
    ),
  );

  test('every object is a built-in kind of 1.28 or one the manifests’ own CRDs define', () => {
    const unknown = OBJECTS.map((o) => `${o.object.apiVersion} ${o.object.kind}`).filter((k) => !builtIn.has(k) && !crdKinds.has(k));
    expect(unknown).toEqual([]);
    expect(builtIn.has('autoscaling/v2 HorizontalPodAutoscaler')).toBe(true);
    expect(crdKinds.has('triggers.tekton.dev/v1alpha1 ClusterInterceptor')).toBe(true);
  });

  test('the controllers refuse an API server older than 1.28.0, which 1.28 meets', () => {
    const minimum = DEPLOYMENTS.flatMap((d) =>
      containersOf(d).flatMap((c) => (c.env ?? []).filter((e: Obj) => e.name === 'KUBERNETES_MIN_VERSION')),
    );
    expect(minimum).toHaveLength(7);
    expect(new Set(minimum.map((e: Obj) => e.value))).toEqual(new Set(['v1.28.0']));
  });

  test('the Tekton namespaces enforce PodSecurity "restricted", and every Deployment in them meets it', () => {
    const namespaces = ofKind('Namespace');
    expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels['pod-security.kubernetes.io/enforce']])).toEqual([
      ['tekton-pipelines', 'restricted'],
      ['tekton-pipelines-resolvers', 'restricted'],
    ]);
    const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
    for (const d of DEPLOYMENTS) {
      expect(namespaces.map((n) => n.metadata.name)).toContain(d.metadata.namespace);
      const pod = d.spec.template.spec;
      expect(pod.hostNetwork || pod.hostPID || pod.hostIPC).toBeFalsy();
      for (const volume of pod.volumes ?? [])
        expect(
          Object.keys(volume)
            .filter((k) => k !== 'name')
            .every((k) => allowedVolumes.includes(k)),
        ).toBe(true);
      for (const c of containersOf(d)) {
        const sc = c.securityContext ?? {};
        const context = `${d.metadata.name}/${c.name}`;
        expect([context, sc.allowPrivilegeEscalation]).toEqual([context, false]);
        expect([context, sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot]).toEqual([context, true]);
        expect([context, sc.capabilities?.drop]).toEqual([context, ['ALL']]);
        expect([context, sc.capabilities?.add ?? []]).toEqual([context, []]);
        expect([context, (sc.seccompProfile ?? pod.securityContext?.seccompProfile)?.type]).toEqual([context, 'RuntimeDefault']);
        expect([context, sc.privileged ?? false]).toEqual([context, false]);
      }
    }
  });

  test('every admission and conversion webhook calls a Service of the manifests that selects a Deployment’s pods', () => {
    const services = ofKind('Service');
    const calls = [
      ...[...ofKind('ValidatingWebhookConfiguration'), ...ofKind('MutatingWebhookConfiguration')].flatMap((config) =>
        config.webhooks.map((w: Obj) => {
          expect([w.name, w.failurePolicy, w.sideEffects, w.admissionReviewVersions]).toEqual([w.name, 'Fail', 'None', ['v1']]);
          return { name: w.name as string, service: w.clientConfig.service as Obj };
        }),
      ),
      ...ofKind('CustomResourceDefinition')
        .filter((crd) => crd.spec.conversion?.strategy === 'Webhook')
        .map((crd) => ({ name: crd.metadata.name as string, service: crd.spec.conversion.webhook.clientConfig.service as Obj })),
    ];
    expect(calls.length).toBe(12);
    const backends = new Set<string>();
    for (const { name, service } of calls) {
      const target = services.find((s) => s.metadata.name === service.name && s.metadata.namespace === service.namespace);
      expect([name, target?.metadata.name]).toEqual([name, service.name]);
      const selector: Record<string, string> = target!.spec.selector;
      const backend = DEPLOYMENTS.find(
        (d) =>
          d.metadata.namespace === service.namespace &&
          Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect([name, backend?.metadata.name]).toEqual([name, expect.stringMatching(/webhook$/)]);
      backends.add(`${service.name} -> ${backend!.metadata.name}`);
    }
    expect([...backends].sort()).toEqual([
      'tekton-pipelines-webhook -> tekton-pipelines-webhook',
      'tekton-triggers-webhook -> tekton-triggers-webhook',
    ]);
  });
});
