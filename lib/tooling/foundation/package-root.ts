/**
 * Where the package's data folders (`schemas/`, `crds/`) are. The code runs
 * from `lib/tooling/check/` (tsx, jest) or from a compiled copy such as
 * `build/lib/tooling/check/`, so the root is found by walking up from this file to the
 * first folder that holds the vendored Kubernetes definitions.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The definitions file, relative to the package root. */
export const K8S_SCHEMA_DIR = join('schemas', 'k8s-1.28');
/** The vendored CRD folder, relative to the package root. */
export const CRD_DIR = 'crds';

let cachedRoot: string | undefined;

/** The package root: the nearest ancestor of this file that holds `schemas/k8s-1.28/_definitions.json`. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, K8S_SCHEMA_DIR, '_definitions.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find ${join(K8S_SCHEMA_DIR, '_definitions.json')} in any folder above ${__dirname}`);
    }
    dir = parent;
  }
}
