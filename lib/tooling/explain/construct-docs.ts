/**
 * The constructs' docs as data, for "where is this field used in this project?":
 * `api/construct-docs.json`, generated from TypeDoc's model of the package root
 * (`npx tsx scripts/typedoc.ts`, which also writes the API reference in
 * `docs/api/`), and shipped in the package. Explain reads this index; it never
 * parses the Markdown reference.
 */
import { existsSync, readFileSync } from 'node:fs';

/** One prop of a construct's props interface (inherited ones included). */
export interface ConstructProp {
  readonly name: string;
  /** The prop's doc comment (before its tags), on one line. */
  readonly description: string;
}

/** One construct (an exported class of the package root that is a cdk8s Construct). */
export interface ConstructDoc {
  readonly construct: string;
  /** The file that declares it, relative to the package root (`lib/constructs/pod/run-pod.ts`). */
  readonly source?: string;
  /**
   * The lines of its docs before its props: the class's doc comment line by line, what it
   * extends, its props interface's summary and what that extends.
   */
  readonly intro: readonly string[];
  readonly props: readonly ConstructProp[];
  /** The lines after its props: one per method, its signature and its summary. */
  readonly members: readonly string[];
}

/** What `api/construct-docs.json` holds. */
export interface ConstructDocsIndex {
  /** The index's format; a loader refuses any other. */
  readonly format: 1;
  readonly constructs: readonly ConstructDoc[];
}

export const CONSTRUCT_DOCS_FORMAT = 1;

/** A construct whose docs name the field. */
export interface ConstructUsage {
  readonly construct: string;
  readonly source?: string;
  /** `prop nodePort` or `docs`. */
  readonly where: string;
  /** The sentence that names it, shortened. */
  readonly text: string;
}

/** Reads the index; undefined when the file does not exist. */
export function loadConstructDocs(path: string): ConstructDocsIndex | undefined {
  if (!existsSync(path)) return undefined;
  const index = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConstructDocsIndex>;
  if (index.format !== CONSTRUCT_DOCS_FORMAT || !Array.isArray(index.constructs)) {
    throw new Error(`${path}: not a construct docs index of format ${CONSTRUCT_DOCS_FORMAT}`);
  }
  return index as ConstructDocsIndex;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Whether a code span names the field: `f`, `a.b.f`, `f: value`, `f=value`. */
function codeNamesField(code: string, field: string): boolean {
  const c = code.trim();
  return c === field || c.endsWith(`.${field}`) || c.startsWith(`${field}:`) || c.startsWith(`${field}=`) || c.startsWith(`${field} `);
}

/**
 * Constructs with a prop named like the field, or whose docs name the field in code (the first
 * such line), in the order the docs read: intro, props, members.
 */
export function findConstructUsage(field: string, index: ConstructDocsIndex): ConstructUsage[] {
  const out: ConstructUsage[] = [];
  for (const doc of index.constructs) {
    const found: ConstructUsage[] = [];
    const namesField = (line: string): boolean => [...line.matchAll(/`([^`]+)`/g)].some((m) => codeNamesField(m[1]!, field));
    const docsLine = (line: string): ConstructUsage => ({
      construct: doc.construct,
      source: doc.source,
      where: 'docs',
      text: shorten(line.replace(/^[-*]\s+/, '').trim(), 110),
    });
    const intro = doc.intro.find(namesField);
    if (intro !== undefined) found.push(docsLine(intro));
    const prop = doc.props.find((p) => p.name === field);
    if (prop)
      found.push({ construct: doc.construct, source: doc.source, where: `prop ${prop.name}`, text: shorten(prop.description, 110) });
    const member = intro === undefined ? doc.members.find(namesField) : undefined;
    if (member !== undefined) found.push(docsLine(member));
    out.push(...found);
  }
  return out;
}
