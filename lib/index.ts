/**
 * k8s-practice-constructs: typed cdk8s constructs for Kubernetes practice exercises.
 * Everything another repository may import is exported here.
 */
export * from './images';
export * from './pod/pod-target';
export * from './pod/restricted-defaults';
export * from './pod/run-pod';
export * from './pod/shared-process-namespace-pod';
export * from './service/expose-type';
export * from './service/pod-service';
export * from './service/exposed-pod';
export * from './service/service-endpoints';
export * from './util/k8s-syntax';
export * from './app/atomic-synth';
export * from './exercises/catalog';
export * from './exercises/pod-exercise';
export * from './exercises/expose-cluster-ip-exercise';
export * from './exercises/expose-node-port-exercise';
export * from './exercises/service-endpoints-exercise';
export * from './exercises/shared-process-namespace-exercise';
export * from './util/external-refs';
export * from './util/cluster-scoped';
export * from './util/resource-quantity';
export * from './project/pod-security-level';
export * from './project/project-quota';
export * from './project/project';
export * from './network/allow-ingress-policy';
export * from './pod/configured-pod';
export * from './exercises/environment-exercise';
export * from './exercises/network-policy-exercise';
export * from './graph/object-graph';
export * from './graph/mermaid';
export * from './util/quantity';
export * from './gogs/app-ini';
export * from './gogs/gogs-app-ini';
export * from './gogs/secret-key-reference';
export * from './gogs/webhook-hosts';
export * from './gogs/gogs-server';
export * from './registry/go-duration';
export * from './registry/registry-config';
export * from './registry/image-registry';
