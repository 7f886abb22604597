/**
 * Field paths in the style of Kubernetes API errors:
 * `spec.containers[0].ports[1].containerPort`, with map keys that are not
 * plain identifiers in brackets: `metadata.labels["app.kubernetes.io/name"]`.
 */

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Joins segments into a display path. */
export function fieldPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Splits a JSON Pointer (`/spec/containers/0`) into segments. A segment is an
 * index when it addresses an array in `root` (or, without `root`, when it is
 * all digits).
 */
export function pointerSegments(pointer: string, root?: unknown): PathSegment[] {
  if (!pointer) return [];
  let node: unknown = root;
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const digits = /^(0|[1-9][0-9]*)$/.test(segment);
      const isIndex = root === undefined ? digits : Array.isArray(node) && digits;
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
      return isIndex ? Number(segment) : segment;
    });
}

/** Converts a JSON Pointer into a display path. */
export function pointerToPath(pointer: string, root?: unknown): string {
  return fieldPath(pointerSegments(pointer, root));
}
