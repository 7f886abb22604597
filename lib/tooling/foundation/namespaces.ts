/**
 * The one rule for where an object lands (validate, graph and simulate all follow it, as the API
 * server does): a cluster-scoped object has no namespace; a namespaced one is in its
 * `metadata.namespace`, or in `default` when that is unset or empty.
 */

/** The namespace objects without `metadata.namespace` land in. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * The namespace an object ends up in: `''` for a cluster-scoped kind, else its own
 * (`metadata.namespace` as written, when a non-empty string), else {@link DEFAULT_NAMESPACE}.
 */
export function effectiveNamespace(own: unknown, clusterScoped = false): string {
  if (clusterScoped) return '';
  return typeof own === 'string' && own !== '' ? own : DEFAULT_NAMESPACE;
}
