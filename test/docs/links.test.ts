/**
 * Every relative link of README.md and docs/**\/*.md resolves: the file (or folder) exists and,
 * for a `#fragment` into a Markdown page, that page has a heading with that anchor (GitHub's rule:
 * lower case, punctuation dropped, spaces to hyphens, `-1`, `-2` for repeats; or an `<a id>`).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { docPages, readDoc, ROOT } from './doc-pages';

/** The text outside fenced code blocks (links inside them are code, not links). */
function prose(markdown: string): string {
  let inside = false;
  return markdown
    .split('\n')
    .filter((line) => {
      if (/^\s*```/.test(line)) inside = !inside;
      return !inside && !/^\s*```/.test(line);
    })
    .join('\n');
}

/** The anchors GitHub gives a page's headings. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = text!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  // HTML anchors (TypeDoc names the rows of its tables so, in docs/api/).
  for (const [, id] of markdown.matchAll(/<a (?:id|name)="([^"]+)"><\/a>/g)) anchors.add(id!);
  return anchors;
}

/** `[text](target)` links of a page, without external ones. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !/[[*]/.test(t)); // a regular expression in a table is no link
}

test('the anchor rule gives what GitHub gives', () => {
  expect([...anchorsOf("# A `b`: c's (d)\n## A `b`: c's (d)\n## 한국어 제목 OK\n")]).toEqual(['a-b-cs-d', 'a-b-cs-d-1', '한국어-제목-ok']);
});

test('the docs have pages to check', () => {
  expect(docPages()).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/exercises/01-pod.md', 'docs/cli/validate.md']));
});

test.each(docPages())('every relative link of %s resolves', (page) => {
  const broken: string[] = [];
  for (const link of relativeLinks(readDoc(page))) {
    const [path, fragment] = link.split('#', 2) as [string, string | undefined];
    const target = path === '' ? join(ROOT, page) : normalize(join(ROOT, dirname(page), decodeURI(path)));
    if (relative(ROOT, target).startsWith('..') || !existsSync(target)) {
      broken.push(`${link}: no such file`);
      continue;
    }
    if (fragment !== undefined && target.endsWith('.md') && statSync(target).isFile()) {
      if (!anchorsOf(readDoc(relative(ROOT, target))).has(decodeURIComponent(fragment))) broken.push(`${link}: no such heading`);
    }
  }
  expect(broken).toEqual([]);
});
