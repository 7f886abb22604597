/**
 * k8s-practice-constructs: typed cdk8s constructs for Kubernetes practice exercises.
 *
 * The package root exports the constructs, their props and the names a user
 * needs to write them (images, ports, levels, quotas). The offline validator,
 * compare and the object graph are in the `k8s-practice-constructs/check`
 * subpath (`lib/check-api.ts`), so importing the constructs does not load the
 * JSON-schema machinery. Helpers under `lib/util/`, `lib/exercises/atomic-synth/` and the
 * config-file writers are internal. `api/` holds the API report a test
 * compares with this surface: review every change to it.
 *
 * @module k8s-practice-constructs
 */

// The error every bad prop or option throws
export { PropError } from './util/props-check';

// Images and the users and ports they run with
export * from './constructs/images';
export * from './constructs/image-catalog';

// Projects (one per namespace)
export * from './util/pod-security-level';
export * from './constructs/project/project-quota';
export * from './constructs/project/project';

// Pods
export type { PodPort, IPodTarget } from './constructs/pod/pod-target';
export { SMALL_CONTAINER } from './constructs/restricted-defaults';
export type { ContainerSize } from './constructs/restricted-defaults';
export { IMAGE_PULL_POLICIES, POD_HARDENINGS } from './constructs/pod/run-container';
export type { ImagePullPolicy, PodHardening, RunContainerProps } from './constructs/pod/run-container';
export { RESTART_POLICIES, RunPod } from './constructs/pod/run-pod';
export type { RestartPolicy, RunPodProps } from './constructs/pod/run-pod';
export * from './constructs/pod/run-deployment';
export { podTargetOf } from './constructs/pod/plus-pod-target';
export type { PodProbe } from './constructs/pod/pod-probe';
export * from './constructs/pod/shared-process-namespace-pod';
export * from './constructs/pod/configured-pod';
export { EXTERNAL_REFS_ANNOTATION } from './util/external-refs';
export type { ExternalRef } from './util/external-refs';
export type { SecretKeyReference } from './util/secret-key-reference';

// Services
export * from './constructs/service/service-type';
export { EXTERNAL_TRAFFIC_POLICIES, PodService, SESSION_AFFINITIES } from './constructs/service/pod-service';
export type {
  ExposeOptions,
  ExternalTrafficPolicy,
  PodServiceProps,
  ServicePortOptions,
  SessionAffinity,
} from './constructs/service/pod-service';
export * from './constructs/service/exposed-pod';
export * from './constructs/service/service-endpoints';

// NetworkPolicy
export * from './constructs/network/allow-ingress-policy';

// Gogs, the registry, Tekton and the app the pipeline delivers
export { GogsServer, GOGS_HTTP_PORT, GOGS_SSH_PORT, DEFAULT_GOGS_SECRET_KEY } from './constructs/gogs/gogs-server';
export type { GogsServerProps } from './constructs/gogs/gogs-server';
export { ImageRegistry } from './constructs/registry/image-registry';
export type { ImageRegistryProps } from './constructs/registry/image-registry';
export { REGISTRY_PORT } from './constructs/registry/registry-config';
export type { RegistryNotificationEndpoint } from './constructs/registry/registry-config';
export * from './constructs/tekton/triggers-types';
export * from './constructs/tekton/webhook-listener';
export * from './constructs/tekton/git-clone-task';
export * from './constructs/tekton/kaniko-task';
export * from './constructs/tekton/deploy-image-task';
export * from './constructs/tekton/build-pipeline';
export * from './constructs/tekton/gogs-push-trigger';
export { GogsSignatureInterceptor, SIGNATURE_INTERCEPTOR_PORT } from './constructs/tekton/gogs-signature-interceptor';
export type { GogsSignatureInterceptorProps } from './constructs/tekton/gogs-signature-interceptor';
export * from './constructs/tekton/registry-push-trigger';
export * from './constructs/tekton/listener-network-policy';
export * from './exercises/demo-app';

// kubectl parity: every `kubectl run` / `kubectl expose` 1.28 flag and its prop
export * from './constructs/kubectl-parity';

// Images from a mirror
export * from './exercises/image-mirror';

// The exercises
export * from './exercises/exercise-options';
export * from './exercises/catalog';
export * from './exercises/pod-exercise';
export * from './exercises/expose-cluster-ip-exercise';
export * from './exercises/expose-node-port-exercise';
export * from './exercises/service-endpoints-exercise';
export * from './exercises/shared-process-namespace-exercise';
export * from './exercises/environment-exercise';
export * from './exercises/network-policy-exercise';
export * from './exercises/ci-pipeline-exercise';
