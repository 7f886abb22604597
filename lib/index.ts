/**
 * k8s-practice-constructs: typed cdk8s constructs for Kubernetes practice exercises.
 *
 * The package root exports the constructs, their props and the names a user
 * needs to write them (images, ports, levels, quotas). The offline validator,
 * compare and the object graph are in the `k8s-practice-constructs/check`
 * subpath (`lib/check-api.ts`), so importing the constructs does not load the
 * JSON-schema machinery. Helpers under `lib/util/`, `lib/app/` and the
 * config-file writers are internal. `api/` holds the API report a test
 * compares with this surface: review every change to it.
 */

// Images and the users and ports they run with
export * from './images';
export * from './image-catalog';

// Projects (one per namespace)
export * from './util/pod-security-level';
export * from './project/project-quota';
export * from './project/project';

// Pods
export type { PodPort, IPodTarget } from './pod/pod-target';
export { SMALL_CONTAINER } from './pod/restricted-defaults';
export type { ContainerSize } from './pod/restricted-defaults';
export { IMAGE_PULL_POLICIES, POD_HARDENINGS } from './pod/run-container';
export type { ImagePullPolicy, PodHardening, RunContainerProps } from './pod/run-container';
export * from './pod/run-pod';
export * from './pod/run-deployment';
export { podTargetOf } from './pod/plus-pod-target';
export type { PodProbe } from './pod/pod-probe';
export * from './pod/shared-process-namespace-pod';
export * from './pod/configured-pod';
export { EXTERNAL_REFS_ANNOTATION } from './util/external-refs';
export type { ExternalRef } from './util/external-refs';
export type { SecretKeyReference } from './util/secret-key-reference';

// Services
export * from './service/expose-type';
export * from './service/pod-service';
export * from './service/exposed-pod';
export * from './service/service-endpoints';

// NetworkPolicy
export * from './network/allow-ingress-policy';

// Gogs, the registry, Tekton and the app the pipeline delivers
export { GogsServer, GOGS_HTTP_PORT, GOGS_SSH_PORT, DEFAULT_GOGS_SECRET_KEY } from './gogs/gogs-server';
export type { GogsServerProps } from './gogs/gogs-server';
export * from './registry/node-service-type';
export { ImageRegistry } from './registry/image-registry';
export type { ImageRegistryProps } from './registry/image-registry';
export { REGISTRY_PORT } from './registry/registry-config';
export type { RegistryNotificationEndpoint } from './registry/registry-config';
export * from './tekton/triggers-types';
export * from './tekton/webhook-listener';
export * from './tekton/git-clone-task';
export * from './tekton/kaniko-task';
export * from './tekton/deploy-image-task';
export * from './tekton/build-pipeline';
export * from './tekton/gogs-push-trigger';
export { GogsSignatureInterceptor, SIGNATURE_INTERCEPTOR_PORT } from './tekton/gogs-signature-interceptor';
export type { GogsSignatureInterceptorProps } from './tekton/gogs-signature-interceptor';
export * from './tekton/registry-push-trigger';
export * from './tekton/listener-network-policy';
export * from './ci/demo-app';

// kubectl parity: every `kubectl run` / `kubectl expose` 1.28 flag and its prop
export * from './kubectl-parity';

// Images from a mirror
export * from './image-mirror';

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
