/**
 * The Kubernetes releases whose schemas are vendored (`schemas/k8s-<version>/`):
 * 1.28, the release the constructs and the exercises target, and 1.37, the
 * newest minor release when the schemas were made. `validate
 * --kubernetes-version` picks one, so an object valid only on newer clusters
 * (e.g. `Service.spec.trafficDistribution`, 1.30+) is judged by the right schema.
 */
import { join } from 'node:path';

/** Every version with vendored schemas, oldest first. */
export const KUBERNETES_VERSIONS = ['1.28', '1.37'] as const;

/** A version with vendored schemas. */
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** The version `validate` uses unless told otherwise: the one the constructs emit for. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.28';

/** Whether `value` names a version with vendored schemas. */
export function isKubernetesVersion(value: unknown): value is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly unknown[]).includes(value);
}

/** The schema folder of a version, relative to the package root. */
export function schemaDirOf(version: KubernetesVersion): string {
  if (!isKubernetesVersion(version)) {
    throw new Error(
      `invalid kubernetesVersion ${JSON.stringify(version)}; expected one of ${KUBERNETES_VERSIONS.map((v) => `"${v}"`).join(', ')}`,
    );
  }
  return join('schemas', `k8s-${version}`);
}
