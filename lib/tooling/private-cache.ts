/**
 * Cache folders of the command line tools (explain's parsed CRDs, the CLI's compiled code): in a
 * checkout or an install with its own node_modules, `node_modules/.cache/<name>`; else one folder
 * per user in the system temp folder, used only while it is private ({@link privateCacheProblem}).
 */
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The default cache folder `name` under the package `root`. */
export function defaultCacheFolder(root: string, name: string): string {
  const modules = join(root, 'node_modules');
  if (existsSync(modules)) return join(modules, '.cache', name);
  return join(tmpdir(), `${name}-cache-${process.getuid?.() ?? 'user'}`);
}

/**
 * Why `dir` must not be used as a cache, or undefined when it may: it is created (mode 0700)
 * when missing, and must then be a real folder (not a symlink) owned by this user that no one
 * else may write to. In the shared temp folder another local user could otherwise create the
 * folder first and plant entries that the tools would trust.
 */
export function privateCacheProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) return `${dir} is a symbolic link`;
    if (!stat.isDirectory()) return `${dir} is not a folder`;
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) return `${dir} belongs to user ${stat.uid}, not to this user (${uid})`;
    if ((stat.mode & 0o022) !== 0) return `${dir} may be written by others (mode ${(stat.mode & 0o777).toString(8)})`;
    return undefined;
  } catch (error) {
    return `${dir} cannot be made: ${error instanceof Error ? error.message : String(error)}`;
  }
}
