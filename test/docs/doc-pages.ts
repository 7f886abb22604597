/** The Markdown pages of the documentation: README.md and every page under docs/, sorted. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** Repository-relative paths: README.md first, then docs/**\/*.md in path order. */
export function docPages(): string[] {
  return ['README.md', ...walk(join(ROOT, 'docs')).map((f) => relative(ROOT, f)).sort()];
}

export const readDoc = (page: string): string => readFileSync(join(ROOT, page), 'utf8');
