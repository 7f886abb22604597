/**
 * The REST resources a Kubernetes 1.28 API server serves with its default
 * configuration (no alpha APIs, no beta APIs that are off by default), as
 * `kubectl api-resources` lists them: the part of discovery that the OpenAPI
 * definitions do not carry (plural names, short names, scope).
 *
 * Groups are listed in the API server's discovery priority order (the
 * `apiVersionPriorities` of kube-apiserver's aggregator) and each group's
 * versions preferred first, because kubectl takes the first match.
 * Every entry must name a kind that `schemas/k8s-1.28/_definitions.json`
 * defines for that group and version (a test checks it).
 */

export interface BuiltinResource {
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural resource name (`pods`); the singular is the kind in lower case. */
  readonly plural: string;
  readonly shortNames: readonly string[];
}

type Row = readonly [kind: string, plural: string, shortNames?: readonly string[]];

/** [group/version, rows] in discovery order. */
const GROUPS: ReadonlyArray<readonly [string, readonly Row[]]> = [
  [
    'v1',
    [
      ['Binding', 'bindings'],
      ['ComponentStatus', 'componentstatuses', ['cs']],
      ['ConfigMap', 'configmaps', ['cm']],
      ['Endpoints', 'endpoints', ['ep']],
      ['Event', 'events', ['ev']],
      ['LimitRange', 'limitranges', ['limits']],
      ['Namespace', 'namespaces', ['ns']],
      ['Node', 'nodes', ['no']],
      ['PersistentVolumeClaim', 'persistentvolumeclaims', ['pvc']],
      ['PersistentVolume', 'persistentvolumes', ['pv']],
      ['Pod', 'pods', ['po']],
      ['PodTemplate', 'podtemplates'],
      ['ReplicationController', 'replicationcontrollers', ['rc']],
      ['ResourceQuota', 'resourcequotas', ['quota']],
      ['Secret', 'secrets'],
      ['ServiceAccount', 'serviceaccounts', ['sa']],
      ['Service', 'services', ['svc']],
    ],
  ],
  ['apiregistration.k8s.io/v1', [['APIService', 'apiservices']]],
  [
    'apps/v1',
    [
      ['ControllerRevision', 'controllerrevisions'],
      ['DaemonSet', 'daemonsets', ['ds']],
      ['Deployment', 'deployments', ['deploy']],
      ['ReplicaSet', 'replicasets', ['rs']],
      ['StatefulSet', 'statefulsets', ['sts']],
    ],
  ],
  ['events.k8s.io/v1', [['Event', 'events', ['ev']]]],
  [
    'authentication.k8s.io/v1',
    [
      ['SelfSubjectReview', 'selfsubjectreviews'],
      ['TokenReview', 'tokenreviews'],
    ],
  ],
  [
    'authorization.k8s.io/v1',
    [
      ['LocalSubjectAccessReview', 'localsubjectaccessreviews'],
      ['SelfSubjectAccessReview', 'selfsubjectaccessreviews'],
      ['SelfSubjectRulesReview', 'selfsubjectrulesreviews'],
      ['SubjectAccessReview', 'subjectaccessreviews'],
    ],
  ],
  ['autoscaling/v2', [['HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa']]]],
  ['autoscaling/v1', [['HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa']]]],
  [
    'batch/v1',
    [
      ['CronJob', 'cronjobs', ['cj']],
      ['Job', 'jobs'],
    ],
  ],
  ['certificates.k8s.io/v1', [['CertificateSigningRequest', 'certificatesigningrequests', ['csr']]]],
  [
    'networking.k8s.io/v1',
    [
      ['IngressClass', 'ingressclasses'],
      ['Ingress', 'ingresses', ['ing']],
      ['NetworkPolicy', 'networkpolicies', ['netpol']],
    ],
  ],
  ['policy/v1', [['PodDisruptionBudget', 'poddisruptionbudgets', ['pdb']]]],
  [
    'rbac.authorization.k8s.io/v1',
    [
      ['ClusterRoleBinding', 'clusterrolebindings'],
      ['ClusterRole', 'clusterroles'],
      ['RoleBinding', 'rolebindings'],
      ['Role', 'roles'],
    ],
  ],
  [
    'storage.k8s.io/v1',
    [
      ['CSIDriver', 'csidrivers'],
      ['CSINode', 'csinodes'],
      ['CSIStorageCapacity', 'csistoragecapacities'],
      ['StorageClass', 'storageclasses', ['sc']],
      ['VolumeAttachment', 'volumeattachments'],
    ],
  ],
  ['apiextensions.k8s.io/v1', [['CustomResourceDefinition', 'customresourcedefinitions', ['crd', 'crds']]]],
  [
    'admissionregistration.k8s.io/v1',
    [
      ['MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'],
      ['ValidatingWebhookConfiguration', 'validatingwebhookconfigurations'],
    ],
  ],
  ['scheduling.k8s.io/v1', [['PriorityClass', 'priorityclasses', ['pc']]]],
  ['coordination.k8s.io/v1', [['Lease', 'leases']]],
  ['node.k8s.io/v1', [['RuntimeClass', 'runtimeclasses']]],
  ['discovery.k8s.io/v1', [['EndpointSlice', 'endpointslices']]],
  [
    'flowcontrol.apiserver.k8s.io/v1beta3',
    [
      ['FlowSchema', 'flowschemas'],
      ['PriorityLevelConfiguration', 'prioritylevelconfigurations'],
    ],
  ],
  [
    'flowcontrol.apiserver.k8s.io/v1beta2',
    [
      ['FlowSchema', 'flowschemas'],
      ['PriorityLevelConfiguration', 'prioritylevelconfigurations'],
    ],
  ],
];

/** Every built-in resource, in discovery order. */
export const BUILTIN_RESOURCES: readonly BuiltinResource[] = GROUPS.flatMap(([groupVersion, rows]) => {
  const slash = groupVersion.indexOf('/');
  const group = slash < 0 ? '' : groupVersion.slice(0, slash);
  const version = groupVersion.slice(slash + 1);
  return rows.map(([kind, plural, shortNames = []]) => ({ group, version, kind, plural, shortNames }));
});
