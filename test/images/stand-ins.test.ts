/**
 * The offline stand-in images (tools/images/stand-ins.json, built by `npm run images:build`) agree
 * with the library: every image the exercises 1-7 reference has a stand-in under the exact name a
 * node asks for, and where the image catalog (KNOWN_IMAGES) knows an image, the stand-in has its
 * user, ports and writable paths. No image, containerd or network is needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DIST_DIR } from '../../main';
import { KNOWN_IMAGES, lookupImage } from '../../lib/constructs/image-catalog';
import { canonicalImageReference } from '../../lib/util/image-reference';

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
  readonly tempPaths?: readonly string[];
  readonly shellTools?: readonly string[];
  readonly contents: readonly string[];
  readonly realImage: string;
  readonly differences: readonly string[];
}

const STAND_INS: readonly StandIn[] = (JSON.parse(readFileSync(join(IMAGES_TOOL, 'stand-ins.json'), 'utf8')) as { images: StandIn[] })
  .images;
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

/** The images the manifests of exercises 1-7 reference, by file. */
const DIST_IMAGES = readdirSync(DIST_DIR)
  .filter((file) => /^0[1-7]-.*\.ya?ml$/.test(file))
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
    expect(['pause', 'busybox', 'nginx', 'static-binary', 'ko-app']).toContain(s.builder);
    expect(Number.isInteger(s.config.user) && s.config.user >= 0).toBe(true);
    for (const port of s.config.ports) expect(port).toMatch(/^[0-9]{1,5}\/(tcp|udp)$/);
    for (const path of s.writablePaths) expect(path).toMatch(/^\/[^\s]*$/);
    expect(s.config.entrypoint.length + s.config.cmd.length).toBeGreaterThan(0);
    expect(s.contents.length).toBeGreaterThan(0);
    expect(s.differences.length).toBeGreaterThan(0);
    expect(s.realImage.length).toBeGreaterThan(0);
    if (s.builder === 'static-binary') {
      expect(s.binary).toMatch(/^\.engines\/bin\/[\w.-]+$/);
      expect(s.config.entrypoint).toHaveLength(1);
    }
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

describe('the stand-ins cover exercises 1-7', () => {
  test('dist/01..07 reference images (the check is not vacuous)', () => {
    expect(unique(DIST_IMAGES.map((d) => d.file)).length).toBeGreaterThanOrEqual(6);
    expect(DIST_IMAGES.length).toBeGreaterThan(5);
  });

  test('every image dist/01..07 references has a stand-in under the same canonical reference', () => {
    const references = new Set(STAND_INS.map((s) => s.reference));
    const missing = DIST_IMAGES.filter((d) => !references.has(canonicalImageReference(d.image))).map((d) => `${d.file}: ${d.image}`);
    expect(missing).toEqual([]);
  });

  test('no stand-in needed by dist/01..07 is optional (skipped when its binary is missing)', () => {
    const needed = new Set(DIST_IMAGES.map((d) => canonicalImageReference(d.image)));
    expect(STAND_INS.filter((s) => s.optional && needed.has(s.reference)).map((s) => s.name)).toEqual([]);
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

  test('every shipped catalog image used by dist/01..07 is compared', () => {
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
