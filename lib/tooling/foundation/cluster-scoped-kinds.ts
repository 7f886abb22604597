/**
 * Which built-in Kubernetes 1.28 kinds are cluster-scoped (`kubectl
 * api-resources --namespaced=false`). The OpenAPI definitions do not say, so
 * the list is kept here; custom resources take their scope from the CRD.
 * Keys are `<group>/<kind>`, with `''` for the core group.
 */
const CLUSTER_SCOPED = new Set<string>([
  '/ComponentStatus',
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/SelfSubjectReview',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/ClusterCIDR',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/ResourceClass',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
]);

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `''`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Whether a built-in kind is cluster-scoped. */
export function isBuiltinClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${apiGroup(apiVersion)}/${kind}`);
}
