/**
 * The offline stand-in images (tools/images/stand-ins.json, built by `npm run images:build`) agree
 * with the library: every image the exercises 1-8 reference has a stand-in under the exact name a
 * node asks for, and where the image catalog (KNOWN_IMAGES) knows an image, the stand-in has its
 * user, ports and writable paths; the images built from engines binaries are built by the groups
 * a real node's prerequisites build. No image, containerd or network is needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DIST_DIR } from '../../main';
import { KNOWN_IMAGES, lookupImage } from '../../lib/constructs/image-catalog';
import { canonicalImageReference } from '../../lib/util/image-reference';
import { engineGroups } from '../../tools/cluster/prerequisites';

const REPO = join(__dirname, '..', '..');
const IMAGES_TOOL = join(REPO, 'tools', 'images');

interface StandIn {
  readonly name: string;
  readonly reference: string;
  readonly builder: string;
  readonly standIn: boolean;
  readonly optional?: boolean;
  readonly binary?: string;
  readonly goModule?: string;
  readonly importPath?: string;
  readonly links?: Record<string, string>;
  readonly engineGroup?: string;
  readonly config: {
    readonly user: number;
    readonly group?: number;
    readonly entrypoint: readonly string[];
    readonly cmd: readonly string[];
    readonly ports: readonly string[];
    readonly env: readonly string[];
    readonly workingDir?: string;
    readonly stopSignal?: string;
  };
  readonly writablePaths: readonly string[];
  readonly packages?: readonly string[];
  readonly purgePackages?: readonly string[];
  readonly tempPaths?: readonly string[];
  readonly shellTools?: readonly string[];
  readonly contents: readonly string[];
  readonly realImage: string;
  readonly differences: readonly string[];
}

interface Spec {
  readonly demoAppBase: { readonly image: string; readonly repository: string; readonly webRoot: string };
  readonly images: StandIn[];
}
const SPEC = JSON.parse(readFileSync(join(IMAGES_TOOL, 'stand-ins.json'), 'utf8')) as Spec;
const STAND_INS: readonly StandIn[] = SPEC.images;
/** The builders that make a Debian root filesystem with the spec's packages (tools/images/debian.sh). */
const DEBIAN_BUILDERS = ['nginx', 'gogs', 'registry', 'node', 'git'];
const byName = (name: string): StandIn => STAND_INS.find((s) => s.name === name)!;
const portNumbers = (ports: readonly string[]): number[] => ports.map((p) => Number(p.split('/')[0])).sort((a, b) => a - b);
const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** Every `image` of a container-like object (containers, initContainers, Pod templates) anywhere in an object. */
function imagesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(imagesIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = typeof record.image === 'string' && typeof record.name === 'string' ? [record.image] : [];
  return [...own, ...Object.values(record).flatMap(imagesIn)];
}

/** The images the manifests of exercises 1-8 reference, by file. */
const DIST_IMAGES = readdirSync(DIST_DIR)
  .filter((file) => /^0[1-8]-.*\.ya?ml$/.test(file))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIST_DIR, file), 'utf8')).flatMap((doc) => imagesIn(doc.toJS()).map((image) => ({ file, image }))),
  );

describe('the stand-in spec', () => {
  test('has unique names and references, each fully qualified (the name `ctr images import` gives it)', () => {
    expect(unique(STAND_INS.map((s) => s.name))).toHaveLength(STAND_INS.length);
    expect(unique(STAND_INS.map((s) => s.reference))).toHaveLength(STAND_INS.length);
    for (const s of STAND_INS) expect(canonicalImageReference(s.reference)).toBe(s.reference);
  });

  test.each(STAND_INS.map((s) => [s.name, s] as const))('%s is complete', (_name, s) => {
    expect(['pause', 'busybox', 'static-binary', 'kaniko', 'ko-app', ...DEBIAN_BUILDERS]).toContain(s.builder);
    expect(Number.isInteger(s.config.user) && s.config.user >= 0).toBe(true);
    for (const port of s.config.ports) expect(port).toMatch(/^[0-9]{1,5}\/(tcp|udp)$/);
    for (const path of s.writablePaths) expect(path).toMatch(/^\/[^\s]*$/);
    expect(s.config.entrypoint.length + s.config.cmd.length).toBeGreaterThan(0);
    expect(s.contents.length).toBeGreaterThan(0);
    expect(s.differences.length).toBeGreaterThan(0);
    expect(s.realImage.length).toBeGreaterThan(0);
    if (s.builder === 'static-binary' || s.builder === 'kaniko') {
      expect(s.binary).toMatch(/^\.engines\/bin\/([\w.-]+\/)?[\w.-]+$/);
      expect(s.config.entrypoint).toHaveLength(1);
    }
    if (DEBIAN_BUILDERS.includes(s.builder)) {
      expect(s.packages!.length).toBeGreaterThan(0);
      for (const pkg of s.purgePackages ?? []) expect(s.packages).not.toContain(pkg);
    } else if (s.builder !== 'ko-app') {
      // (a ko-app image may sit on a Debian root filesystem: the resolvers need git and tini)
      expect(s.packages).toBeUndefined();
    }
    // An image made from an engines binary says which group builds it, and is skipped (optional) without it.
    if (s.binary !== undefined)
      expect({ engineGroup: s.engineGroup, optional: s.optional }).toEqual({ engineGroup: expect.any(String), optional: true });
  });

  describe.each(STAND_INS.filter((s) => s.builder === 'ko-app').map((s) => [s.name, s] as const))('%s (ko layout)', (_name, s) => {
    const command = (s.importPath ?? '').split('/').pop()!;
    const project = s.importPath?.match(/^github\.com\/tektoncd\/(pipeline|triggers)\/cmd\/[\w-]+$/)?.[1];

    test('is a command of a Tekton module the engines pin, built by `tools/engines/build.sh tekton-images`', () => {
      expect(project).toBeDefined();
      expect(s.goModule).toBe('tools/engines/tekton');
      const goMod = readFileSync(join(REPO, s.goModule!, 'go.mod'), 'utf8');
      const version = goMod.match(new RegExp(`^\\s*github\\.com/tektoncd/${project} (v\\S+)$`, 'm'))?.[1];
      expect(s.reference).toBe(`ghcr.io/tektoncd/${project}/${command}:${version}`);
      expect(goMod.match(/^tool \(\n([^)]*)\)/m)?.[1]?.split(/\s+/)).toContain(s.importPath);
      expect(readFileSync(join(REPO, 'tools', 'engines', 'build.sh'), 'utf8')).toContain(` ${s.importPath}`);
      expect(s.binary).toBe(`.engines/bin/tekton/${project}/${command}`);
      expect(s.optional).toBe(true);
    });

    test('has the binary at /ko-app/<command> as its entrypoint and runs as nonroot (65532), as ko and its base make it', () => {
      expect(s.config.entrypoint).toEqual([`/ko-app/${command}`]);
      expect(s.config.cmd).toEqual([]);
      expect(s.config.user).toBe(65532);
      expect(s.config.env).toEqual(expect.arrayContaining(['KO_DATA_PATH=/var/run/ko', expect.stringMatching(/^PATH=.*:\/ko-app$/)]));
      for (const [link, target] of Object.entries(s.links ?? {})) {
        expect(link).toMatch(/^\/[\w/.-]+$/);
        expect(target).toMatch(/^\/[\w/.-]+$/);
      }
    });
  });

  test('the pause image is the sandbox image containerd is configured with (registry.k8s.io/pause:3.9, uid 65535)', () => {
    expect(byName('pause').reference).toBe('registry.k8s.io/pause:3.9');
    expect(byName('pause').config).toMatchObject({ user: 65535, entrypoint: ['/pause'] });
  });
});

describe('the stand-ins cover exercises 1-8', () => {
  test('dist/01..08 reference images (the check is not vacuous)', () => {
    expect(unique(DIST_IMAGES.map((d) => d.file)).length).toBeGreaterThanOrEqual(7);
    expect(DIST_IMAGES.filter((d) => d.file.startsWith('08-')).length).toBeGreaterThanOrEqual(8);
  });

  test('every image dist/01..08 references has a stand-in under the same canonical reference', () => {
    const references = new Set(STAND_INS.map((s) => s.reference));
    const missing = DIST_IMAGES.filter((d) => !references.has(canonicalImageReference(d.image))).map((d) => `${d.file}: ${d.image}`);
    expect(missing).toEqual([]);
  });

  test('no stand-in needed by dist/01..07 is optional (skipped when its binary is missing)', () => {
    const needed = new Set(DIST_IMAGES.filter((d) => !d.file.startsWith('08-')).map((d) => canonicalImageReference(d.image)));
    expect(STAND_INS.filter((s) => s.optional && needed.has(s.reference)).map((s) => s.name)).toEqual([]);
  });

  test("a real node's prerequisites build the engines group of every image made from a binary", () => {
    const knownGroups = /^known_groups=\(([^)]*)\)$/m
      .exec(readFileSync(join(REPO, 'tools', 'engines', 'build.sh'), 'utf8'))![1]!
      .split(' ');
    const groups = STAND_INS.flatMap((s) => (s.engineGroup === undefined ? [] : [s.engineGroup]));
    expect(groups).toEqual(expect.arrayContaining(['gogs', 'kaniko', 'kubectl-static']));
    for (const group of groups) {
      expect(knownGroups).toContain(group);
      expect(engineGroups('real', false)).toContain(group);
    }
  });
});

describe('dist/08 runs the stand-ins the way their configs allow', () => {
  interface Container {
    readonly name: string;
    readonly image: string;
    readonly command?: string[];
    readonly args?: string[];
    readonly volumeMounts?: { mountPath: string }[];
  }
  /** Every container-like object (containers, Tekton steps) of dist/08 with an image. */
  const containers: Container[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.image === 'string' && typeof record.name === 'string') containers.push(record as unknown as Container);
      Object.values(record).forEach(collect);
    }
  };
  parseAllDocuments(readFileSync(join(DIST_DIR, '08-ci-pipeline.k8s.yaml'), 'utf8')).forEach((doc) => collect(doc.toJS()));
  const standInOf = (c: Container): StandIn => STAND_INS.find((s) => s.reference === canonicalImageReference(c.image))!;
  const using = (name: string): Container[] => containers.filter((c) => standInOf(c).name === name);

  test('the registry runs its image command: the config.yml it serves is in the mounted config folder', () => {
    const [registry] = using('registry');
    expect(registry!.command ?? registry!.args).toBeUndefined();
    const config = byName('registry').config.cmd[0]!;
    expect(registry!.volumeMounts!.some((m) => config.startsWith(`${m.mountPath}/`))).toBe(true);
  });

  test("kaniko's step runs the image's entrypoint; Gogs' command runs the image's gogs", () => {
    expect(using('kaniko').map((c) => c.command)).toEqual([byName('kaniko').config.entrypoint]);
    const [gogs] = using('gogs');
    expect(gogs!.command!.join(' ')).toContain(`exec ${byName('gogs').config.cmd.join(' ')} `);
  });

  test('kaniko has the real image’s layout and environment', () => {
    const kaniko = byName('kaniko');
    expect(kaniko.config).toMatchObject({ user: 0, entrypoint: ['/kaniko/executor'], workingDir: '/workspace' });
    expect(kaniko.config.env).toEqual(
      expect.arrayContaining(['HOME=/root', 'USER=root', 'SSL_CERT_DIR=/kaniko/ssl/certs', 'DOCKER_CONFIG=/kaniko/.docker/']),
    );
    expect(kaniko.config.env.find((e) => e.startsWith('PATH='))!.split(/[=:]/)).toContain('/kaniko');
  });
});

describe("the demo app's base image", () => {
  const siteConf = readFileSync(join(IMAGES_TOOL, 'nginx', 'default.conf'), 'utf8');

  test('is a stand-in (nginx), pushed under a tagged repository, whose site root is the web root the docs name', () => {
    const base = byName(SPEC.demoAppBase.image);
    expect(base.name).toBe('nginx');
    expect(SPEC.demoAppBase.repository).toMatch(/^[a-z0-9]+(\/[a-z0-9._-]+)+:[\w.-]+$/);
    expect([...siteConf.matchAll(/^\s*root\s+([^;\s]+);/gm)].map((m) => m[1])).toEqual([SPEC.demoAppBase.webRoot]);
    expect(readFileSync(join(REPO, 'docs', 'stand-in-images.md'), 'utf8')).toContain(`\`${SPEC.demoAppBase.webRoot}\``);
  });
});

describe('the stand-ins agree with the image catalog (KNOWN_IMAGES)', () => {
  const both = STAND_INS.flatMap((s) => {
    const known = lookupImage(s.reference);
    return known ? [{ standIn: s, known }] : [];
  });

  test('the catalog knows the nginx and busybox stand-ins (the comparison is not vacuous)', () => {
    expect(both.map((b) => b.standIn.name).sort()).toEqual(expect.arrayContaining(['busybox', 'nginx']));
  });

  test.each(both.map((b) => [b.standIn.name, b] as const))(
    '%s: same reference, user, ports and writable paths',
    (_name, { standIn, known }) => {
      if (known.shipped) expect(standIn.reference).toBe(canonicalImageReference(known.reference));
      expect(standIn.config.user).toBe(known.user);
      expect(portNumbers(standIn.config.ports)).toEqual([...known.ports].sort((a, b) => a - b));
      expect([...standIn.writablePaths].sort()).toEqual([...known.writablePaths].sort());
    },
  );

  test('every shipped catalog image used by dist/01..08 is compared', () => {
    const used = new Set(DIST_IMAGES.map((d) => canonicalImageReference(d.image)));
    const compared = new Set(both.map((b) => b.known.reference));
    const uncompared = KNOWN_IMAGES.filter((k) => used.has(canonicalImageReference(k.reference)) && !compared.has(k.reference));
    expect(uncompared.map((k) => k.reference)).toEqual([]);
  });
});

describe("the nginx stand-in keeps nginx-unprivileged's contract in its configuration", () => {
  const nginx = byName('nginx');
  const nginxConf = readFileSync(join(IMAGES_TOOL, 'nginx', 'nginx.conf'), 'utf8');
  const siteConf = readFileSync(join(IMAGES_TOOL, 'nginx', 'default.conf'), 'utf8');
  const directives = (text: string, name: string): string[] =>
    [...text.matchAll(new RegExp(`^\\s*${name}\\s+([^;\\s]+)`, 'gm'))].map((m) => m[1]!);
  const underWritable = (path: string): boolean => nginx.writablePaths.some((w) => path === w || path.startsWith(`${w}/`));

  test('all five temp paths (client body, proxy, fastcgi, uwsgi, scgi) are the spec’s, under a writable path', () => {
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].flatMap((kind) => directives(nginxConf, `${kind}_temp_path`));
    expect(temp).toHaveLength(5);
    expect([...temp].sort()).toEqual([...nginx.tempPaths!].sort());
    expect(temp.filter((p) => !underWritable(p))).toEqual([]);
  });

  test('the pid file is under a writable path and the logs go to the container output', () => {
    expect(directives(nginxConf, 'pid').filter(underWritable)).toHaveLength(1);
    expect(directives(nginxConf, 'error_log')).toEqual(['/dev/stderr']);
    expect(directives(nginxConf, 'access_log')).toEqual(['/dev/stdout']);
    expect(nginxConf).not.toMatch(/^\s*user\s/m);
  });

  test('it listens on exactly the ports the image exposes', () => {
    expect(directives(siteConf, 'listen').map(Number)).toEqual(portNumbers(nginx.config.ports));
  });

  test('it has the shell tools the exercises exec in the nginx container (wget -T 3 in exercise 2)', () => {
    expect(nginx.shellTools).toEqual(expect.arrayContaining(['wget', 'ps']));
  });
});

describe('the build script and the docs', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const buildScript = readFileSync(join(IMAGES_TOOL, 'build.sh'), 'utf8');
  const docs = readFileSync(join(REPO, 'docs', 'stand-in-images.md'), 'utf8');

  test('npm run images:build runs tools/images/build.sh, which handles every builder', () => {
    expect(pkg.scripts['images:build']).toBe('bash tools/images/build.sh');
    for (const builder of unique(STAND_INS.map((s) => s.builder))) expect(buildScript).toMatch(new RegExp(`^\\s+${builder}\\)`, 'm'));
  });

  test('docs/stand-in-images.md names every stand-in', () => {
    for (const s of STAND_INS) expect(docs).toContain(`\`${s.reference}\``);
  });
});
