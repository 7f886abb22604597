/**
 * What the library knows about container images, in one table: the user each
 * image runs as, the ports it listens on and the paths it writes. Constructs
 * read it to refuse, at synth time, a pod the kubelet would refuse (a root
 * image in a pod that requires a non-root user). Images missing from the table
 * are not checked: see "Images, root and podSecurity" in docs/library.md.
 */
import {
  GIT_IMAGE,
  GOGS_IMAGE,
  GOGS_UID,
  Images,
  KANIKO_IMAGE,
  KUBECTL_IMAGE,
  NODE_IMAGE,
  REGISTRY_IMAGE,
  WEB_PORT,
  WEB_UID,
} from './images';
import { imageRepository } from '../util/image-reference';

/** One image (every tag of its repository) as the library knows it. */
export interface KnownImage {
  /** The reference the library emits, or a typical one for images it does not ship. */
  readonly reference: string;
  /** The numeric user the image runs as when the pod sets none; 0 is root. */
  readonly user: number;
  /** Ports it listens on with its default command. */
  readonly ports: readonly number[];
  /** Paths it writes with its default command (emptyDirs when the root filesystem is read-only). */
  readonly writablePaths: readonly string[];
  /** Whether the library emits it. */
  readonly shipped: boolean;
  /** How to run it without root, or why it cannot. */
  readonly note: string;
}

/**
 * Every image the library ships, plus the stock images the practice notes
 * use (`nginx`, `busybox`, `alpine`), keyed by repository (`docker.io/library/nginx`):
 * the user is a property of the image's Dockerfile, the same for every tag.
 */
export const KNOWN_IMAGES: readonly KnownImage[] = [
  {
    reference: Images.web,
    user: WEB_UID,
    ports: [WEB_PORT],
    writablePaths: ['/tmp'],
    shipped: true,
    note: 'non-root nginx: fits the restricted profile as is',
  },
  {
    reference: Images.shell,
    user: 0,
    ports: [],
    writablePaths: [],
    shipped: true,
    note: 'runs as root by default, but its tools work as any user: set runAsUser (e.g. 65534, nobody)',
  },
  {
    reference: GOGS_IMAGE,
    user: GOGS_UID,
    ports: [3000, 2222],
    writablePaths: ['/data', '/tmp'],
    shipped: true,
    note: 'runs `gogs web` as git (uid 1000)',
  },
  {
    reference: REGISTRY_IMAGE,
    user: 0,
    ports: [5000],
    writablePaths: ['/var/lib/registry', '/tmp'],
    shipped: true,
    note: 'runs as root by default; nothing in it needs root: set runAsUser (ImageRegistry uses 1000)',
  },
  {
    reference: GIT_IMAGE,
    user: 0,
    ports: [],
    writablePaths: [],
    shipped: true,
    note: 'runs as root by default; git works as any user: set runAsUser (the clone Task uses 65532)',
  },
  {
    reference: KANIKO_IMAGE,
    user: 0,
    ports: [],
    writablePaths: ['/kaniko', '/workspace'],
    shipped: true,
    note: 'must run as root (it unpacks base images into its own root filesystem): Pod Security "baseline" at least',
  },
  {
    reference: NODE_IMAGE,
    user: 0,
    ports: [],
    writablePaths: [],
    shipped: true,
    note: 'runs as root by default; its `node` user is uid 1000: set runAsUser 1000',
  },
  {
    reference: KUBECTL_IMAGE,
    user: 0,
    ports: [],
    writablePaths: [],
    shipped: true,
    note: 'its Dockerfile (kubernetes build/server-image) sets no USER, so it is taken as root; kubectl works as any user (the deploy Task uses 65532)',
  },
  {
    reference: 'docker.io/library/nginx:1.27-alpine',
    user: 0,
    ports: [80],
    writablePaths: ['/var/cache/nginx', '/var/run'],
    shipped: false,
    note:
      'the stock nginx: its master process starts as root, binds port 80 and chowns /var/cache/nginx; ' +
      'use Images.web (nginx-unprivileged, uid 101, port 8080) under restricted, or podSecurity "baseline"',
  },
  {
    reference: 'docker.io/library/alpine:3.20',
    user: 0,
    ports: [],
    writablePaths: [],
    shipped: false,
    note: 'runs as root by default; a shell works as any user: set runAsUser (e.g. 65534)',
  },
];

const BY_REPOSITORY = new Map(KNOWN_IMAGES.map((image) => [imageRepository(image.reference), image]));

/** The table entry for an image reference (any tag or digest of a known repository), or undefined. */
export function lookupImage(image: string): KnownImage | undefined {
  return BY_REPOSITORY.get(imageRepository(image));
}

/** The table as Markdown, for docs/generated/known-images.md. */
export function knownImagesMarkdown(): string {
  const rows = KNOWN_IMAGES.map(
    (i) =>
      `| \`${i.reference}\` | ${i.user === 0 ? 'root (0)' : i.user} | ${i.ports.join(', ') || '-'} ` +
      `| ${i.writablePaths.map((p) => `\`${p}\``).join(', ') || '-'} | ${i.shipped ? 'yes' : 'no'} | ${i.note} |`,
  );
  return [
    '| image (any tag or digest of it) | user | ports | writes | shipped | note |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
