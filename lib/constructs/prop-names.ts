/**
 * The prop names of every construct's props type, as values, for the unknown-prop check
 * (checkKnownProps) and for passing a construct's props on to a child construct (pickProps).
 * The compiler checks each list against its type: a prop added to an interface must be added here.
 * Internal: not exported from the package root.
 */
import { PropNames } from '../util/props-check';
import type { GogsServerProps } from './gogs/gogs-server';
import type { AllowIngressPolicyProps } from './network/allow-ingress-policy';
import type { ConfiguredPodProps } from './pod/configured-pod';
import type { RunContainerProps } from './pod/run-container';
import type { RunDeploymentProps } from './pod/run-deployment';
import type { RunPodProps } from './pod/run-pod';
import type { SharedProcessNamespacePodProps } from './pod/shared-process-namespace-pod';
import type { ProjectProps } from './project/project';
import type { ImageRegistryProps } from './registry/image-registry';
import type { ExposedPodProps } from './service/exposed-pod';
import type { ExposeOptions, PodServiceProps } from './service/pod-service';
import type { ServiceEndpointsProps } from './service/service-endpoints';
import type { BuildPipelineProps } from './tekton/build-pipeline';
import type { DeployImageTaskProps } from './tekton/deploy-image-task';
import type { GitCloneTaskProps } from './tekton/git-clone-task';
import type { GogsPushTriggerProps } from './tekton/gogs-push-trigger';
import type { GogsSignatureInterceptorProps } from './tekton/gogs-signature-interceptor';
import type { KanikoTaskProps } from './tekton/kaniko-task';
import type { ListenerNetworkPolicyProps } from './tekton/listener-network-policy';
import type { RegistryPushTriggerProps } from './tekton/registry-push-trigger';
import type { TriggersObjectProps } from './tekton/triggers-types';
import type { WebhookListenerProps } from './tekton/webhook-listener';

export const RUN_CONTAINER_PROPS: PropNames<RunContainerProps> = {
  image: true,
  port: true,
  portName: true,
  env: true,
  imagePullPolicy: true,
  readinessProbe: true,
  livenessProbe: true,
  startupProbe: true,
  command: true,
  args: true,
  writablePaths: true,
  runAsUser: true,
  size: true,
  podSecurity: true,
};
export const EXPOSE_OPTIONS_PROPS: PropNames<ExposeOptions> = {
  type: true,
  servicePort: true,
  targetPort: true,
  nodePort: true,
  serviceName: true,
  ports: true,
  sessionAffinity: true,
  externalTrafficPolicy: true,
  serviceLabels: true,
};
export const RUN_POD_PROPS: PropNames<RunPodProps> = {
  name: true,
  labels: true,
  annotations: true,
  restartPolicy: true,
  ...RUN_CONTAINER_PROPS,
};
export const RUN_DEPLOYMENT_PROPS: PropNames<RunDeploymentProps> = {
  name: true,
  replicas: true,
  labels: true,
  podAnnotations: true,
  containerName: true,
  ...RUN_CONTAINER_PROPS,
};
export const EXPOSED_POD_PROPS: PropNames<ExposedPodProps> = { ...RUN_POD_PROPS, ...EXPOSE_OPTIONS_PROPS, allowFromOutside: true };
export const POD_SERVICE_PROPS: PropNames<PodServiceProps> = { pod: true, ...EXPOSE_OPTIONS_PROPS };
export const SHARED_PROCESS_NAMESPACE_POD_PROPS: PropNames<SharedProcessNamespacePodProps> = {
  name: true,
  webImage: true,
  shellImage: true,
  labels: true,
  shellPtraceCapability: true,
};
export const CONFIGURED_POD_PROPS: PropNames<ConfiguredPodProps> = {
  name: true,
  settings: true,
  secret: true,
  image: true,
  configMountPath: true,
  secretMountPath: true,
};
export const SERVICE_ENDPOINTS_PROPS: PropNames<ServiceEndpointsProps> = { name: true, addresses: true, ports: true };
export const ALLOW_INGRESS_POLICY_PROPS: PropNames<AllowIngressPolicyProps> = {
  name: true,
  to: true,
  ports: true,
  from: true,
  fromAnywhere: true,
};
export const PROJECT_PROPS: PropNames<ProjectProps> = {
  namespace: true,
  podSecurity: true,
  podSecurityWarn: true,
  quota: true,
  containerDefaults: true,
  allowSameNamespace: true,
};
export const GOGS_SERVER_PROPS: PropNames<GogsServerProps> = {
  serviceName: true,
  webhookUrls: true,
  secretKey: true,
  storageSize: true,
  storageClassName: true,
  serviceType: true,
  httpNodePort: true,
  sshNodePort: true,
  disableRegistration: true,
  clusterDomain: true,
  image: true,
  size: true,
};
export const IMAGE_REGISTRY_PROPS: PropNames<ImageRegistryProps> = {
  serviceName: true,
  notificationEndpoints: true,
  storageSize: true,
  storageClassName: true,
  deleteEnabled: true,
  serviceType: true,
  nodePort: true,
  clusterDomain: true,
  image: true,
  size: true,
};
export const WEBHOOK_LISTENER_PROPS: PropNames<WebhookListenerProps> = {
  name: true,
  triggers: true,
  serviceAccountName: true,
  creates: true,
  clusterDomain: true,
  externalRefs: true,
};
export const GIT_CLONE_TASK_PROPS: PropNames<GitCloneTaskProps> = { name: true, image: true };
export const KANIKO_TASK_PROPS: PropNames<KanikoTaskProps> = { name: true, builderImage: true };
export const DEPLOY_IMAGE_TASK_PROPS: PropNames<DeployImageTaskProps> = { name: true, deployments: true, image: true };
export const BUILD_PIPELINE_PROPS: PropNames<BuildPipelineProps> = {
  name: true,
  cloneTask: true,
  buildTask: true,
  context: true,
  dockerfile: true,
  insecureRegistry: true,
  runnerServiceAccountName: true,
};
export const GOGS_PUSH_TRIGGER_PROPS: PropNames<GogsPushTriggerProps> = {
  pipeline: true,
  name: true,
  authentication: true,
  webhookSecret: true,
  gogsUrl: true,
  tokenSecret: true,
  registryHost: true,
  registry: true,
  clusterDomain: true,
  repositories: true,
  branches: true,
  workspaceSize: true,
  storageClassName: true,
};
export const GOGS_SIGNATURE_INTERCEPTOR_PROPS: PropNames<GogsSignatureInterceptorProps> = { listener: true, name: true, secret: true };
export const REGISTRY_PUSH_TRIGGER_PROPS: PropNames<RegistryPushTriggerProps> = {
  deployTask: true,
  deployment: true,
  container: true,
  repository: true,
  name: true,
  tokenSecret: true,
  tokenHeader: true,
  registryHost: true,
  registry: true,
  imageHost: true,
  clusterDomain: true,
};
export const LISTENER_NETWORK_POLICY_PROPS: PropNames<ListenerNetworkPolicyProps> = { listener: true, from: true, name: true };
export const TRIGGERS_OBJECT_PROPS: PropNames<TriggersObjectProps<unknown>> = { metadata: true, spec: true };
