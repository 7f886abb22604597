/**
 * Tekton's release manifests, assembled offline from the modules tools/engines/tekton/go.mod pins
 * (github.com/tektoncd/pipeline v1.15.0, github.com/tektoncd/triggers v0.37.0), the way their
 * release tasks (tekton/publish.yaml of each module) make release.yaml and interceptors.yaml:
 *
 *   Pipelines  release.yaml       `ko resolve -R -f config/`             (config/ and every folder in it)
 *   Triggers   release.yaml       `ko resolve -f config/`                (config/'s own files only)
 *   Triggers   interceptors.yaml  `ko resolve -f config/interceptors`
 *
 * then `sed` turns each `"devel"` version label into the release's tag. ko reads the .yaml and
 * .json files in filepath.Walk order (names sorted byte-wise, folders in place), replaces every
 * string that starts with ko:// by the image it built, and writes each file's documents followed
 * by `---`. Here each ko:// import path becomes the local stand-in image that tools/images builds
 * for it (tools/images/stand-ins.json, "importPath"), and the controller's -shell-image (the
 * `place-scripts` init container of script steps) becomes the busybox stand-in. The files' text is
 * kept as it is (ko re-encodes it with the same content), with a `# Source:` line before each.
 *
 *   npx tsx tools/cluster/tekton-release.ts           write tools/cluster/tekton-release/*.yaml
 *   npx tsx tools/cluster/tekton-release.ts --check   exit 1 when a committed file differs
 *
 * Needs Go and the modules in Go's module cache (it never downloads: GOPROXY=off).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from './paths';

/** The committed manifests. */
export const TEKTON_RELEASE_DIR = join(REPO_DIR, 'tools', 'cluster', 'tekton-release');
/** The Go module that pins Tekton (and builds its commands: tools/engines/build.sh tekton-images). */
export const TEKTON_GO_MODULE_DIR = join(REPO_DIR, 'tools', 'engines', 'tekton');
const STAND_INS_FILE = join(REPO_DIR, 'tools', 'images', 'stand-ins.json');

/** The controller's -shell-image in config/controller.yaml of the pinned pipeline module. */
export const UPSTREAM_SHELL_IMAGE = 'cgr.dev/chainguard/busybox@sha256:19f02276bf8dbdd62f069b922f10c65262cc34b710eea26ff928129a736be791';
/** What it becomes: the busybox stand-in (tools/images), a shell image that runs as root, as Tekton asks. */
export const SHELL_IMAGE = 'docker.io/library/busybox:1.36';

export interface TektonRelease {
  /** File name under tools/cluster/tekton-release/. */
  readonly file: string;
  readonly module: string;
  /** Folder of the module that ko resolves. */
  readonly source: string;
  /** `ko resolve -R`: descend into the folders of `source`. */
  readonly recursive: boolean;
  /** The release label publish.yaml's sed sets besides app.kubernetes.io/version and version. */
  readonly releaseLabel: string;
  /** The file the release publishes. */
  readonly upstreamFile: string;
  /** Where Tekton publishes it: the URL the docs apply, which this file stands for offline. */
  readonly releaseUrl: string;
}

export const TEKTON_RELEASES: readonly TektonRelease[] = [
  {
    file: 'pipeline-release.yaml',
    module: 'github.com/tektoncd/pipeline',
    source: 'config',
    recursive: true,
    releaseLabel: 'pipeline.tekton.dev/release',
    upstreamFile: 'release.yaml',
    releaseUrl: 'https://infra.tekton.dev/tekton-releases/pipeline/previous/v1.15.0/release.yaml',
  },
  {
    file: 'triggers-release.yaml',
    module: 'github.com/tektoncd/triggers',
    source: 'config',
    recursive: false,
    releaseLabel: 'triggers.tekton.dev/release',
    upstreamFile: 'release.yaml',
    releaseUrl: 'https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/release.yaml',
  },
  {
    file: 'triggers-interceptors.yaml',
    module: 'github.com/tektoncd/triggers',
    source: 'config/interceptors',
    recursive: false,
    releaseLabel: 'triggers.tekton.dev/release',
    upstreamFile: 'interceptors.yaml',
    releaseUrl: 'https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/interceptors.yaml',
  },
];

/** The README's `kubectl apply -f` URL -> the pinned file that stands for it here. */
export const TEKTON_RELEASE_URLS: Readonly<Record<string, string>> = Object.fromEntries(
  TEKTON_RELEASES.map((release) => [release.releaseUrl, join(TEKTON_RELEASE_DIR, release.file)]),
);

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly dir: string;
}

/**
 * The module as tools/engines/tekton pins it, from Go's module cache (`go list -m`); throws with
 * the reason when Go is missing or the module is not in the cache.
 */
export function pinnedModule(path: string): GoModule {
  let out: string;
  try {
    out = execFileSync('go', ['list', '-m', '-f', '{{.Version}} {{.Dir}}', path], {
      cwd: TEKTON_GO_MODULE_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', GOPROXY: 'off' },
    });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    throw new Error(e.code === 'ENOENT' ? 'Go is not installed' : `go list -m ${path}: ${(e.stderr ?? String(error)).trim()}`, {
      cause: error,
    });
  }
  const [version, dir] = out.trim().split(' ', 2);
  if (!version || !dir) throw new Error(`${path} is not in Go's module cache (cd tools/engines/tekton && go mod download ${path})`);
  return { path, version, dir };
}

/** The files `ko resolve [-R] -f DIR` reads, in its order (Go's filepath.Walk: names sorted byte-wise). */
export function koFiles(dir: string, recursive: boolean): string[] {
  const names = readdirSync(dir, { withFileTypes: true }).sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  return names.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return recursive ? koFiles(path, recursive) : [];
    return /\.(yaml|json)$/.test(entry.name) ? [path] : [];
  });
}

/** ko:// import path -> the stand-in image tools/images builds for it. */
export function standInImages(): ReadonlyMap<string, string> {
  const spec = JSON.parse(readFileSync(STAND_INS_FILE, 'utf8')) as { images: { importPath?: string; reference: string }[] };
  return new Map(spec.images.filter((i) => i.importPath).map((i) => [i.importPath!, i.reference]));
}

/** publish.yaml's sed expressions, `s/\(LABEL\): "devel"/\1: "TAG"/g` for its three keys (line by line, as sed). */
export function setReleaseVersion(text: string, releaseLabel: string, tag: string): string {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let out = text;
  for (const key of [releaseLabel, 'app.kubernetes.io/version', 'version']) {
    out = out.replace(new RegExp(`(${escape(key)}): "devel"`, 'g'), `$1: "${tag}"`);
  }
  return out;
}

/** The manifest for one release, from the module's folder. */
export function generateRelease(release: TektonRelease, module: GoModule, images: ReadonlyMap<string, string> = standInImages()): string {
  const root = join(module.dir, release.source);
  const files = koFiles(root, release.recursive);
  if (files.length === 0) throw new Error(`${root} has no .yaml or .json files`);
  const header = [
    `# Tekton ${release.upstreamFile} of ${module.path} ${module.version}, generated by tools/cluster/tekton-release.ts: do not edit.`,
    `# As its tekton/publish.yaml makes it: \`ko resolve ${release.recursive ? '-R ' : ''}-f ${release.source}/\`, then "devel" version labels set to ${module.version}.`,
    '# Images: each ko import path is the stand-in tools/images builds for it (tools/images/stand-ins.json,',
    `# docs/stand-in-images.md)${release.file === 'pipeline-release.yaml' ? `; the controller's -shell-image is ${SHELL_IMAGE} (upstream: ${UPSTREAM_SHELL_IMAGE.split('@')[0]}@sha256:...)` : ''}.`,
    '',
  ].join('\n');
  const body = files
    .map((file) => {
      const relative = file.slice(module.dir.length + 1);
      let text = readFileSync(file, 'utf8').replace(/\s+$/, '');
      text = text.replace(/ko:\/\/([^\s"',\]]+)/g, (_match, importPath: string) => {
        const image = images.get(importPath);
        if (!image) throw new Error(`${relative}: no stand-in image for ko://${importPath} (add it to tools/images/stand-ins.json)`);
        return image;
      });
      if (release.file === 'pipeline-release.yaml' && relative === 'config/controller.yaml') text = replaceShellImage(text, relative);
      return `# Source: ${module.path}/${relative}\n${setReleaseVersion(text, release.releaseLabel, module.version)}\n---\n`;
    })
    .join('');
  return header + body;
}

function replaceShellImage(text: string, relative: string): string {
  const pattern = /("-shell-image",\s*")([^"]*)(")/g;
  const found = [...text.matchAll(pattern)].map((m) => m[2]);
  if (found.length !== 1 || found[0] !== UPSTREAM_SHELL_IMAGE) {
    throw new Error(
      `${relative}: expected one -shell-image ${UPSTREAM_SHELL_IMAGE}, found ${JSON.stringify(found)}: review the new shell image`,
    );
  }
  return text.replace(pattern, `$1${SHELL_IMAGE}$3`);
}

/** Every release manifest, by file name, from the pinned modules. */
export function generateAll(): Map<string, string> {
  const images = standInImages();
  const modules = new Map<string, GoModule>();
  const out = new Map<string, string>();
  for (const release of TEKTON_RELEASES) {
    if (!modules.has(release.module)) modules.set(release.module, pinnedModule(release.module));
    out.set(release.file, generateRelease(release, modules.get(release.module)!, images));
  }
  return out;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of generateAll()) {
    const path = join(TEKTON_RELEASE_DIR, file);
    let committed = '';
    try {
      committed = readFileSync(path, 'utf8');
    } catch {
      // a new file
    }
    if (committed === text) {
      console.log(`tekton-release: ${file} is up to date`);
    } else if (check) {
      console.log(`tekton-release: ${file} differs from what the pinned modules give`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`tekton-release: wrote ${file} (${text.length} bytes)`);
    }
  }
  if (stale > 0) process.exit(1);
}
