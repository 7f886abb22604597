/**
 * Reading manifests: YAML files (one or more documents each) or folders of
 * them, into plain objects that remember where they came from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Finding } from './finding';

/** A Kubernetes object as parsed from YAML. */
export type KubeObject = Record<string, any>;

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

/** Every `.yaml`/`.yml`/`.json` file under `dir` (recursively), sorted; none when `dir` does not exist. */
export function listManifestFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listManifestFiles(full));
    else if (/\.(ya?ml|json)$/i.test(entry)) files.push(full);
  }
  return files;
}

/** The files a list of files and folders stands for: folders give their `.yaml`/`.yml` files (recursively, sorted). */
export function expandPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // reported when the file is read
    }
    if (isDir) files.push(...listManifestFiles(path).filter((f) => /\.ya?ml$/i.test(f)));
    else files.push(path);
  }
  return files;
}

function fileFinding(file: string, rule: string, message: string): Finding {
  return { file, kind: '', name: '', namespace: '', path: '', rule, severity: 'error', message };
}

/**
 * YAML is read as YAML 1.1, the way kubectl reads it (sigs.k8s.io/yaml on
 * go-yaml): unquoted `yes`, `on`, `y` are booleans, `0755` is an octal number.
 * So `value: yes` in an env var is the type error a cluster would report.
 */
export const YAML_OPTIONS = { version: '1.1' } as const;

/** Parses YAML text into objects; `v1 List` documents are expanded into their items. */
export function parseManifestText(text: string, file: string): { objects: ManifestObject[]; findings: Finding[] } {
  const objects: ManifestObject[] = [];
  const findings: Finding[] = [];
  parseAllDocuments(text, YAML_OPTIONS).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      findings.push(fileFinding(file, 'yaml-parse', `document ${index + 1}: ${doc.errors[0].message.split('\n')[0]}`));
      return;
    }
    const value = doc.toJSON() as unknown;
    if (value === null || value === undefined) return; // empty document
    if (typeof value !== 'object' || Array.isArray(value)) {
      findings.push(fileFinding(file, 'not-an-object', `document ${index + 1} is not a mapping`));
      return;
    }
    const object = value as KubeObject;
    if (object.apiVersion === 'v1' && object.kind === 'List' && Array.isArray(object.items)) {
      for (const item of object.items) objects.push({ file, document: index, object: item });
    } else {
      objects.push({ file, document: index, object });
    }
  });
  return { objects, findings };
}

/** Reads every file (folders expanded) and parses it. */
export function loadManifests(paths: readonly string[]): LoadedManifests {
  const files = expandPaths(paths);
  const objects: ManifestObject[] = [];
  const findings: Finding[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      findings.push(fileFinding(file, 'unreadable', (error as Error).message));
      continue;
    }
    const parsed = parseManifestText(text, file);
    objects.push(...parsed.objects);
    findings.push(...parsed.findings);
  }
  return { files, objects, findings };
}
