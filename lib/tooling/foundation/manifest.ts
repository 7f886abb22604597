/**
 * Reading manifests: YAML files (one or more documents each) or folders of
 * them, into plain objects that remember where they came from.
 *
 * Any file may be hostile. Whatever one holds or is (a FIFO, a dangling
 * symlink, a symlink loop, bytes that are not UTF-8, an alias bomb, a huge
 * file, hundreds of thousands of documents), it becomes a finding naming the
 * file and the other files are still read. The limits are
 * {@link MAX_FILE_BYTES} per file, {@link MAX_DOCUMENTS} documents per file
 * and {@link MAX_ALIASES} alias uses per document.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, Document, Parser } from 'yaml';
import { Finding } from './finding';
import { MAX_FILE_BYTES, readGuardedText } from './guarded-read';
import { JsonObject } from './json-value';

/**
 * A Kubernetes object as parsed from YAML: any mapping, fields unchecked (the rules check them).
 * Its narrowed form, with a string kind and metadata.name, is the graph's `SynthesizedObject`
 * (guard: `isGraphable`), which the tests use for synthesized output too.
 */
export type KubeObject = JsonObject;

/** An object and where it came from. */
export interface ManifestObject {
  /** The file, as given (a folder's files are `folder/name.yaml`). */
  readonly file: string;
  /** 0-based document index in the file. */
  readonly document: number;
  readonly object: KubeObject;
}

export interface LoadedManifests {
  readonly files: string[];
  readonly objects: ManifestObject[];
  /** Files that could not be read or parsed, documents that are not objects. */
  readonly findings: Finding[];
}

export { MAX_FILE_BYTES };
/** The most documents read from one file. */
export const MAX_DOCUMENTS = 10000;
/** The most alias (`*name`) uses one document may expand (an alias bomb needs many). */
export const MAX_ALIASES = 100;

function fileFinding(file: string, code: string, message: string): Finding {
  return { file, kind: '', name: '', namespace: '', path: '', code, severity: 'error', message };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Adds every item of `items` to `into` without spreading (a spread of 100k items overflows the stack). */
function append<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/**
 * Every `.yaml`/`.yml`/`.json` file under `dir` (recursively, following
 * symlinks once), sorted; none when `dir` does not exist. Entries that cannot
 * be examined (dangling symlinks, loops) are left out here and reported by
 * {@link collectManifestFiles}.
 */
export function listManifestFiles(dir: string): string[] {
  const files: string[] = [];
  walk(dir, MANIFEST_NAME, files, [], new Set());
  return files;
}

const MANIFEST_NAME = /\.(ya?ml|json)$/i;
const YAML_NAME = /\.ya?ml$/i;

/**
 * Adds the files under `dir` whose names match to `files`; each real folder is searched once, so a
 * symlink loop ends. A folder that cannot be listed (no permission, a path too long) is an
 * `unreadable` finding naming it, never a silent gap: the files in it were not checked.
 */
function walk(dir: string, names: RegExp, files: string[], findings: Finding[], seen: Set<string>): void {
  let entries: string[];
  try {
    const real = realpathSync(dir);
    if (seen.has(real)) return; // reached again through a symlink: already searched
    seen.add(real);
    entries = readdirSync(dir).sort();
  } catch (error) {
    findings.push(fileFinding(dir, 'unreadable', `cannot read the folder ${dir}, so no file in it was checked: ${errorText(error)}`));
    return;
  }
  for (const entry of entries) {
    const full = join(dir, entry);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch (error) {
      // A dangling symlink or a symlink loop: a finding when it is named like a manifest. Any
      // other failure (no permission, a path too long) may hide a folder of manifests: always one.
      const code = (error as NodeJS.ErrnoException).code;
      if (names.test(entry) || (code !== 'ENOENT' && code !== 'ELOOP'))
        findings.push(fileFinding(full, 'unreadable', `cannot read ${full}: ${errorText(error)}`));
      continue;
    }
    if (isDir) walk(full, names, files, findings, seen);
    else if (names.test(entry)) files.push(full);
  }
}

/** The files a list of files and folders stands for (folders: their `.yaml`/`.yml` files, recursively, sorted), and findings for entries that cannot be examined. */
export function collectManifestFiles(paths: readonly string[]): { files: string[]; findings: Finding[] } {
  const files: string[] = [];
  const findings: Finding[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // reported when the file is read
    }
    if (isDir) walk(path, YAML_NAME, files, findings, new Set());
    else files.push(path);
  }
  return { files, findings };
}

/** The files a list of files and folders stands for: folders give their `.yaml`/`.yml` files (recursively, sorted). */
export function expandPaths(paths: readonly string[]): string[] {
  return collectManifestFiles(paths).files;
}

/**
 * YAML is read as YAML 1.1, the way kubectl reads it (sigs.k8s.io/yaml on
 * go-yaml): unquoted `yes`, `on`, `y` are booleans, `0755` is an octal number.
 * So `value: yes` in an env var is the type error a cluster would report.
 */
export const YAML_OPTIONS = { version: '1.1' } as const;

/** A document's value as plain data; throws for an alias bomb (over {@link MAX_ALIASES} alias uses). */
export function documentValue(doc: Document.Parsed): unknown {
  return doc.toJS({ json: true, maxAliasCount: MAX_ALIASES });
}

/**
 * Parses YAML text into objects; `v1 List` documents are expanded into their items.
 *
 * The documents are composed one at a time and each is turned into plain data
 * before the next is read, so the YAML syntax tree of only one document is held
 * at a time (the trees are several times the size of the data they hold).
 */
export function parseManifestText(text: string, file: string): { objects: ManifestObject[]; findings: Finding[] } {
  const objects: ManifestObject[] = [];
  const findings: Finding[] = [];
  let index = 0;
  try {
    for (const doc of new Composer(YAML_OPTIONS).compose(new Parser().parse(text))) {
      if (index === MAX_DOCUMENTS) {
        const tooMany = `has more than ${MAX_DOCUMENTS} documents, the most read from one file; split it (no document of it was checked)`;
        return { objects: [], findings: [fileFinding(file, 'too-many-documents', tooMany)] };
      }
      readDocument(doc, index++, file, objects, findings);
    }
  } catch (error) {
    return { objects: [], findings: [fileFinding(file, 'yaml-parse', errorText(error).split('\n')[0]!)] };
  }
  return { objects, findings };
}

/** Adds the object(s) of one parsed document to `objects`, or why it holds none to `findings`. */
function readDocument(doc: Document.Parsed, index: number, file: string, objects: ManifestObject[], findings: Finding[]): void {
  if (doc.errors.length > 0) {
    findings.push(fileFinding(file, 'yaml-parse', `document ${index + 1}: ${doc.errors[0]!.message.split('\n')[0]}`));
    return;
  }
  let value: unknown;
  try {
    value = documentValue(doc);
  } catch (error) {
    findings.push(fileFinding(file, 'yaml-parse', `document ${index + 1}: ${errorText(error).split('\n')[0]}`));
    return;
  }
  if (value === null || value === undefined) return; // empty document
  if (typeof value !== 'object' || Array.isArray(value)) {
    findings.push(fileFinding(file, 'not-an-object', `document ${index + 1} is not a mapping`));
    return;
  }
  const object = value as KubeObject;
  if (object.apiVersion === 'v1' && object.kind === 'List' && Array.isArray(object.items)) {
    object.items.forEach((item: unknown, i: number) => {
      if (typeof item === 'object' && item !== null && !Array.isArray(item))
        objects.push({ file, document: index, object: item as KubeObject });
      else findings.push(fileFinding(file, 'not-an-object', `document ${index + 1}: items[${i}] is not a mapping`));
    });
  } else {
    objects.push({ file, document: index, object });
  }
}

/**
 * Reads a manifest file as UTF-8 text, or says why not, with the one guarded
 * reader ({@link readGuardedText}): only regular files (a FIFO is never opened
 * for a blocking read), at most {@link MAX_FILE_BYTES}, valid UTF-8 only
 * (kubectl refuses other bytes too).
 */
export function readManifestFile(file: string): { text: string; problem?: undefined } | { text?: undefined; problem: Finding } {
  const read = readGuardedText(file);
  if (read.problem) return { problem: fileFinding(file, read.problem.code, read.problem.message) };
  return { text: read.text };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Manifest bytes as UTF-8 text, or why not (more than {@link MAX_FILE_BYTES}, or not UTF-8). */
export function decodeManifestBytes(
  file: string,
  bytes: Buffer,
): { text: string; problem?: undefined } | { text?: undefined; problem: Finding } {
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      problem: fileFinding(
        file,
        'file-too-large',
        `${file} has more than the ${MAX_FILE_BYTES} bytes (8 MiB) read from one file; split it`,
      ),
    };
  }
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes); // decoding failed on some byte
    return {
      problem: fileFinding(
        file,
        'not-utf8',
        `${file} is not UTF-8 text (invalid byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}); save it as UTF-8`,
      ),
    };
  }
}

/** The path that stands for standard input on a command line (`k8s-practice validate -`). */
export const STDIN_PATH = '-';
/** The name findings give the manifests read from standard input. */
export const STDIN_NAME = '<stdin>';

/**
 * The text of each file (as listed by {@link loadManifests}: `<stdin>` for `stdin`), read once more
 * by the guarded reader, for the validation engine; a file it refuses is left out (it is already
 * a finding).
 */
export function readManifestTexts(files: readonly string[], stdin?: Buffer): { name: string; text: string }[] {
  const texts: { name: string; text: string }[] = [];
  for (const file of files) {
    const read = file === STDIN_NAME && stdin !== undefined ? decodeManifestBytes(file, stdin) : readGuardedText(file);
    if (read.text !== undefined) texts.push({ name: file, text: read.text });
  }
  return texts;
}

/** The offset of the first byte that is not part of a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const lossy = Buffer.from(bytes.toString('utf8'), 'utf8'); // invalid bytes became U+FFFD
  let at = 0;
  while (at < bytes.length && bytes[at] === lossy[at]) at++;
  return Math.min(at, bytes.length - 1);
}

/**
 * Reads every file (folders expanded) and parses it once; a bad file is a finding, the others are still read.
 * With `stdin` (the bytes read from standard input), the path `-` stands for them, named `<stdin>`.
 */
function loadOnce(paths: readonly string[], stdin?: Buffer): LoadedManifests {
  const collected = collectManifestFiles(paths);
  const findings = collected.findings;
  const files = stdin === undefined ? collected.files : collected.files.map((file) => (file === STDIN_PATH ? STDIN_NAME : file));
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const read = stdin !== undefined && file === STDIN_NAME ? decodeManifestBytes(file, stdin) : readManifestFile(file);
    if (read.problem) {
      findings.push(read.problem);
      continue;
    }
    const parsed = parseManifestText(read.text, file);
    append(objects, parsed.objects);
    append(findings, parsed.findings);
  }
  return { files, objects, findings };
}

/** Which folder each path is now (device and inode), `file` for anything else, undefined when it is missing. */
function identities(paths: readonly string[]): (string | undefined)[] {
  return paths.map((path) => {
    try {
      const stat = statSync(path);
      return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : 'file';
    } catch {
      return undefined;
    }
  });
}

/** The paths whose identity differs between `before` and `after`. */
function replaced(paths: readonly string[], before: readonly (string | undefined)[], after: readonly (string | undefined)[]): string[] {
  return paths.filter((_path, i) => before[i] !== after[i]);
}

/**
 * Reads every file (folders expanded) and parses it; a bad file is a finding, the others are
 * still read.
 *
 * A folder may be replaced while it is read: a synth swaps a new `dist/` in with one rename, so a
 * run that listed the old tree would open the new tree's files by the old names and report files
 * that are gone as unreadable. Each folder given is identified (device, inode) before and after
 * the read; when one was replaced, everything is read once more and a `tree-changed` warning says
 * so (the findings are of the tree it holds now). Replaced during that second read too, it is a
 * `tree-changed` error: the findings may mix two trees. With `stdin`, the path `-` stands for
 * those bytes (named `<stdin>`).
 */
export function loadManifests(paths: readonly string[], stdin?: Buffer): LoadedManifests {
  const before = identities(paths);
  const first = loadOnce(paths, stdin);
  const changed = replaced(paths, before, identities(paths));
  if (changed.length === 0) return first;
  const again = identities(paths);
  const second = loadOnce(paths, stdin);
  const changedAgain = replaced(paths, again, identities(paths));
  const notes = changed.map((path): Finding => {
    if (changedAgain.includes(path))
      return fileFinding(
        path,
        'tree-changed',
        `${path} was replaced while it was read, and again while it was read a second time; the findings may mix two trees: validate it again when nothing is writing it`,
      );
    const note = fileFinding(
      path,
      'tree-changed',
      `${path} was replaced while it was read (a synth swapping a new tree in?); it was read again, and the findings are of the tree it holds now`,
    );
    return { ...note, severity: 'warning' };
  });
  return { ...second, findings: [...notes, ...second.findings] };
}
