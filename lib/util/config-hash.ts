import { createHash } from 'node:crypto';

/**
 * Pod-template annotation holding a checksum of the configuration a pod
 * reads (ConfigMap files, environment). A changed configuration changes the
 * template, so the workload rolls its pods.
 */
export const CONFIG_HASH_ANNOTATION = 'k8s-practice.dev/config-sha256';

/** SHA-256 (hex) of configuration text; several parts are joined with newlines. */
export function configHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
