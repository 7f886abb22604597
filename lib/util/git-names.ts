/**
 * Names git and Gogs accept, so a trigger filter never waits for a branch or
 * repository that cannot exist.
 */

/** What `git check-ref-format --branch` accepts, for error messages. */
export const BRANCH_NAME_RULE =
  'branch names such as "master" (without "refs/heads/") that git accepts: no "..", "@{", "//", "\\", space, control character or any of ~^:?*[, no component starting with "." or ending in ".lock", not starting with "-" or "/", not ending with "/" or ".", not "@"';

/** Whether git accepts `name` as a branch (`git check-ref-format --branch`: the rules of git's refs.c). */
export function isGitBranchName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  if (name === '' || name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//') || /[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** Whether Gogs accepts the repository part of `owner/name`: it refuses ".", ".." and names ending in ".git" or ".wiki". */
export function isGogsRepositoryName(fullName: string): boolean {
  const name = fullName.slice(fullName.indexOf('/') + 1).toLowerCase();
  return name !== '.' && name !== '..' && !name.endsWith('.git') && !name.endsWith('.wiki');
}
