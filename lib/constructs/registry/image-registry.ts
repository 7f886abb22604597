import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IPodTarget, PodPort } from '../pod/pod-target';
import { REGISTRY_IMAGE, REGISTRY_UID } from '../images';
import { ContainerSize, checkContainerSize, containerResources } from '../restricted-defaults';
import { declareExternalRefs } from '../../util/external-refs';
import { checkNodePort, invalidProp, checkPropsObject, checkKnownProps, PropNames } from '../../util/props-check';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../util/config-hash';
import { checkSecretKeyReference } from '../../util/secret-key-reference';
import { kubeletLiteral, tomlBasicString } from '../../util/text-formats';
import { WEBHOOK_URL_RULE, webhookHost } from '../../util/webhook-hosts';
import { GO_DURATION_RULE, isPositiveGoDuration } from './go-duration';
import { NodeServiceType } from '../service/service-type';
import {
  HTTP_HEADER_NAME_RULE,
  REGISTRY_CONFIG_PATH,
  REGISTRY_DATA_DIR,
  REGISTRY_ENDPOINTS_ENV,
  REGISTRY_PORT,
  REPOSITORY_NAME_RULE,
  RegistryEndpointConfig,
  RegistryNotificationEndpoint,
  effectiveEndpoints,
  endpointTokenEnv,
  isHttpHeaderName,
  isRepositoryName,
  registryConfig,
  renderRegistryConfig,
} from './registry-config';
import { checkInClusterServer, serverPodSpec, serverService } from '../in-cluster-server';
import { LibraryConstruct } from '../library-construct';

/** Requests and limits of the registry container (layer uploads are streamed to disk). */
export const REGISTRY_CONTAINER_SIZE: ContainerSize = {
  cpuRequest: '50m',
  memoryRequest: '32Mi',
  cpuLimit: '500m',
  memoryLimit: '256Mi',
};

/** Props of {@link ImageRegistry}. */
export interface ImageRegistryProps {
  /**
   * Name of the Service, the Deployment and the `app` label. Images are
   * pushed as `NAME.NAMESPACE.svc.CLUSTER_DOMAIN:5000/REPOSITORY:TAG`.
   * @default 'registry'
   */
  readonly serviceName?: string;

  /**
   * Receivers of push events (Tekton EventListeners). Each gets only
   * manifest pushes: blob uploads (`application/octet-stream`) and pulls are
   * ignored.
   * @default [] (no notifications)
   */
  readonly notificationEndpoints?: readonly RegistryNotificationEndpoint[];

  /**
   * Size of the volume for /var/lib/registry.
   * @default '5Gi'
   */
  readonly storageSize?: string;

  /**
   * StorageClass of the volume.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Allow deleting manifests and blobs through the registry API.
   * @default false
   */
  readonly deleteEnabled?: boolean;

  /**
   * Service type. `NodePort` lets nodes reach the registry at
   * `localhost:NODEPORT` (see docs/ci-servers.md for the containerd side).
   * @default 'ClusterIP'
   */
  readonly serviceType?: NodeServiceType;

  /**
   * Fixed node port (only with `serviceType: 'NodePort'`). Fix it when the
   * nodes' containerd configuration names it.
   * @default the cluster picks one
   */
  readonly nodePort?: number;

  /**
   * DNS domain of the cluster, used in the in-cluster address.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Container image (a `registry:2` / distribution image).
   * @default REGISTRY_IMAGE
   */
  readonly image?: string;

  /**
   * CPU and memory requests and limits.
   * @default REGISTRY_CONTAINER_SIZE (50m/32Mi requested, 500m/256Mi limit)
   */
  readonly size?: ContainerSize;
}

/** The prop names of {@link ImageRegistryProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const IMAGE_REGISTRY_PROPS: PropNames<ImageRegistryProps> = {
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

const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A plain-HTTP image registry (`registry:2`) inside the cluster: a
 * Deployment running as a non-root user under the restricted Pod Security
 * Standard, a PersistentVolumeClaim for /var/lib/registry, a ConfigMap with
 * `config.yml`, and a Service on port 5000.
 *
 * Notifications: each endpoint in `notificationEndpoints` receives manifest
 * pushes with a token header. The token comes from a Secret and never
 * appears in the manifests: the endpoints list is passed in the environment
 * variable `REGISTRY_NOTIFICATIONS_ENDPOINTS` (JSON text), whose header values
 * are `$(ENDPOINT_TOKEN_<n>)` references to earlier variables filled from
 * `secretKeyRef`s. {@link ImageRegistry.effectiveEndpoints} returns that list.
 *
 * Pods push and pull at `NAME.NAMESPACE.svc.cluster.local:5000` (kaniko
 * needs `--insecure`). Nodes usually cannot pull from there: their DNS does
 * not resolve cluster names and containerd refuses plain HTTP by default.
 * docs/ci-servers.md describes the NodePort plus containerd `hosts.toml`
 * setup; {@link ImageRegistry.containerdHostsToml} writes that file.
 *
 * @example
 * new ImageRegistry(chart, 'registry', {
 *   notificationEndpoints: [{
 *     name: 'tekton',
 *     url: 'http://el-registry-push.ci.svc.cluster.local:8080/',
 *     tokenSecret: { name: 'registry-webhook-token', key: 'token' },
 *   }],
 * });
 */
export class ImageRegistry extends LibraryConstruct implements IPodTarget {
  /** The Deployment (one replica, `Recreate`, since the volume is ReadWriteOnce). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service (port `http` 5000). */
  public readonly service: k8s.KubeService;
  /** The ConfigMap holding `config.yml`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The PersistentVolumeClaim mounted at /var/lib/registry. */
  public readonly persistentVolumeClaim: k8s.KubePersistentVolumeClaim;
  /** Name of the Service and the Deployment. */
  public readonly name: string;
  /** Namespace the objects land in (the chart's, or `default`). */
  public readonly namespace: string;
  /** In-cluster DNS name of the Service, e.g. `registry.ci.svc.cluster.local`. */
  public readonly host: string;
  /** `host:port` to push to and pull from inside the cluster, e.g. `registry.ci.svc.cluster.local:5000`. */
  public readonly address: string;
  /** The generated config.yml text (also the ConfigMap's `config.yml` key). */
  public readonly configYaml: string;
  /** The fixed node port, if one was given. */
  public readonly nodePort?: number;
  /** Labels of the pod, also the Service's selector. */
  public readonly labels: { readonly [key: string]: string };
  /** The NetworkPolicy admitting node-port clients (a NodePort Service inside a Project only). */
  public readonly fromOutside?: k8s.KubeNetworkPolicy;
  /** The pod's port: `http` 5000. */
  public readonly ports: readonly PodPort[] = [{ containerPort: REGISTRY_PORT, name: 'http', protocol: 'TCP' }];

  private readonly endpoints: readonly RegistryNotificationEndpoint[];

  constructor(scope: Construct, id: string, props: ImageRegistryProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'ImageRegistry', props, IMAGE_REGISTRY_PROPS);
    props = checkPropsObject<ImageRegistryProps>(this, props, false);
    const server = checkInClusterServer(this, props, { serviceName: 'registry', image: REGISTRY_IMAGE, storageSize: '5Gi' });
    this.name = server.name;
    const serviceType = server.serviceType;
    if (props.nodePort !== undefined) {
      if (serviceType !== 'NodePort') invalidProp(this, 'nodePort', props.nodePort, 'no nodePort unless serviceType is "NodePort"');
      this.nodePort = checkNodePort(this, 'nodePort', props.nodePort);
    }
    if (props.deleteEnabled !== undefined && typeof props.deleteEnabled !== 'boolean') {
      invalidProp(this, 'deleteEnabled', props.deleteEnabled, 'true or false');
    }
    this.endpoints = this.checkEndpoints(props.notificationEndpoints ?? []);

    this.namespace = server.namespace;
    this.host = server.host;
    this.address = `${this.host}:${REGISTRY_PORT}`;
    this.labels = server.labels;

    this.configYaml = renderRegistryConfig(
      registryConfig({
        deleteEnabled: props.deleteEnabled ?? false,
        notifications: this.endpoints.length > 0,
      }),
    );
    const endpointsJson = endpointsEnvValue(this.effectiveEndpoints(), this.endpoints.length);

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, labels: { ...this.labels } },
      data: { 'config.yml': this.configYaml },
    });

    this.persistentVolumeClaim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: { name: `${this.name}-data`, labels: { ...this.labels } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: server.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(server.storageSize) } },
      },
    });

    ({ service: this.service, fromOutside: this.fromOutside } = serverService(this, server, [
      { name: 'http', port: REGISTRY_PORT, nodePort: this.nodePort },
    ]));

    // Token variables first: the kubelet expands $(NAME) only from variables defined earlier in the list.
    const env: k8s.EnvVar[] =
      this.endpoints.length === 0
        ? []
        : [
            ...this.endpoints.map((endpoint, index) => ({
              name: endpointTokenEnv(index),
              valueFrom: { secretKeyRef: { name: endpoint.tokenSecret.name, key: endpoint.tokenSecret.key } },
            })),
            { name: REGISTRY_ENDPOINTS_ENV, value: endpointsJson },
          ];
    const probe: k8s.HttpGetAction = { path: '/', port: k8s.IntOrString.fromString('http') };
    const configChecksum = configHash(this.configYaml, endpointsJson);

    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas: 1,
        // The volume is ReadWriteOnce: the old pod must let go of it before the new one starts.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...this.labels } },
        template: {
          metadata: { labels: { ...this.labels }, annotations: { [CONFIG_HASH_ANNOTATION]: configChecksum } },
          // A Service named "registry" would add REGISTRY_PORT, REGISTRY_SERVICE_HOST, ...: the registry reads
          // every REGISTRY_* variable as a config override (serverPodSpec turns Service links off).
          spec: serverPodSpec({
            uid: REGISTRY_UID,
            container: {
              name: 'registry',
              image: server.image,
              // The image's entrypoint runs `registry serve /etc/docker/registry/config.yml`.
              env: env.length ? env : undefined,
              // `/` answers 200, or 503 once the storage driver health check fails.
              readinessProbe: { httpGet: probe, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
              livenessProbe: { httpGet: probe, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 },
              resources: containerResources(checkContainerSize(this, 'size', props.size ?? REGISTRY_CONTAINER_SIZE)),
            },
            ports: this.ports,
            // The registry writes only below its storage root (and /tmp).
            volumeMounts: [
              { name: 'data', mountPath: REGISTRY_DATA_DIR },
              { name: 'config', mountPath: REGISTRY_CONFIG_PATH.replace(/\/[^/]+$/, ''), readOnly: true },
            ],
            volumes: [
              { name: 'data', persistentVolumeClaim: { claimName: this.persistentVolumeClaim.name } },
              { name: 'config', configMap: { name: this.configMap.name } },
            ],
          }),
        },
      },
    });
    const secrets = [...new Set(this.endpoints.map((e) => e.tokenSecret.name))];
    if (secrets.length)
      declareExternalRefs(
        this.deployment,
        secrets.map((name) => ({ kind: 'Secret' as const, name })),
      );
  }

  /**
   * The notification endpoints exactly as the registry reads them from
   * `REGISTRY_NOTIFICATIONS_ENDPOINTS`, defaults applied; token header values
   * are `$(ENDPOINT_TOKEN_<n>)` references, never the tokens.
   */
  public effectiveEndpoints(): RegistryEndpointConfig[] {
    return effectiveEndpoints(this.endpoints);
  }

  /** Image reference inside the cluster, e.g. `imageRef('app', 'v1')` = `registry.ci.svc.cluster.local:5000/app:v1`. */
  public imageRef(repository: string, tag?: string): string {
    if (!isRepositoryName(repository)) invalidProp(this, 'repository', repository, REPOSITORY_NAME_RULE);
    if (tag !== undefined && (typeof tag !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))) {
      invalidProp(this, 'tag', tag, 'a tag: at most 128 characters of A-Z, a-z, 0-9, "_", "." and "-", not starting with "." or "-"');
    }
    return `${this.address}/${repository}${tag === undefined ? '' : `:${tag}`}`;
  }

  /**
   * The containerd `hosts.toml` that lets a node pull images named
   * `NAME.NAMESPACE.svc.cluster.local:5000/...` through a mirror it can
   * reach, by default the NodePort on the node itself. Install it as
   * `/etc/containerd/certs.d/<address>/hosts.toml` (see docs/ci-servers.md;
   * with the Service's ClusterIP as mirror it is what the local real node
   * uses in the end-to-end test).
   *
   * @param mirror the URL nodes reach the registry at
   * @default `http://localhost:<nodePort>` when a nodePort is fixed
   */
  public containerdHostsToml(mirror?: string): string {
    const endpoint = mirror ?? (this.nodePort !== undefined ? `http://localhost:${this.nodePort}` : undefined);
    if (endpoint === undefined) {
      invalidProp(this, 'mirror', mirror, 'a mirror URL, because no nodePort is fixed');
    }
    const check = webhookHost(endpoint);
    if ('problem' in check || /[?#]/.test(endpoint)) {
      invalidProp(this, 'mirror', endpoint, 'an http:// or https:// URL of host and port only, e.g. "http://localhost:30500"');
    }
    const url = endpoint.replace(/\/+$/, '');
    return [
      `# /etc/containerd/certs.d/${this.address}/hosts.toml`,
      `server = ${tomlBasicString(`http://${this.address}`)}`,
      '',
      `[host.${tomlBasicString(url)}]`,
      '  capabilities = ["pull", "resolve"]',
      '  skip_verify = true',
      '',
    ].join('\n');
  }

  private checkEndpoints(value: unknown): RegistryNotificationEndpoint[] {
    if (!Array.isArray(value)) invalidProp(this, 'notificationEndpoints', value, 'a list of endpoints');
    const names = new Set<string>();
    return value.map((endpoint: RegistryNotificationEndpoint, index: number) => {
      const field = `notificationEndpoints[${index}]`;
      if (typeof endpoint !== 'object' || endpoint === null)
        invalidProp(this, field, endpoint, 'an object { name, url, tokenSecret, ... }');
      if (typeof endpoint.name !== 'string' || endpoint.name.length > 63 || !ENDPOINT_NAME.test(endpoint.name)) {
        invalidProp(
          this,
          `${field}.name`,
          endpoint.name,
          'at most 63 characters of A-Z, a-z, 0-9, ".", "_" and "-", starting with a letter or digit',
        );
      }
      if (names.has(endpoint.name)) invalidProp(this, `${field}.name`, endpoint.name, 'a name no other endpoint uses');
      names.add(endpoint.name);
      const url = webhookHost(endpoint.url);
      if ('problem' in url) invalidProp(this, `${field}.url`, endpoint.url, `${WEBHOOK_URL_RULE} (it ${url.problem})`);
      // The URL is written to dist/ in plain text: a token belongs in tokenSecret, not in a query string.
      if (/[?#]/.test(endpoint.url)) {
        invalidProp(
          this,
          `${field}.url`,
          endpoint.url,
          'a URL without a query string or fragment (pass a token through tokenSecret: the URL is written to dist/ as it is)',
        );
      }
      checkSecretKeyReference(this, `${field}.tokenSecret`, endpoint.tokenSecret);
      if (endpoint.header !== undefined && !isHttpHeaderName(endpoint.header))
        invalidProp(this, `${field}.header`, endpoint.header, HTTP_HEADER_NAME_RULE);
      for (const key of ['timeout', 'backoff'] as const) {
        if (endpoint[key] !== undefined && !isPositiveGoDuration(endpoint[key]))
          invalidProp(this, `${field}.${key}`, endpoint[key], GO_DURATION_RULE);
      }
      // JSON.stringify writes 1e21 and above with an exponent, which Go will not read into an int.
      if (endpoint.threshold !== undefined && (!Number.isSafeInteger(endpoint.threshold) || endpoint.threshold < 1)) {
        invalidProp(this, `${field}.threshold`, endpoint.threshold, `a positive integer of at most ${Number.MAX_SAFE_INTEGER}`);
      }
      return { ...endpoint, tokenSecret: { ...endpoint.tokenSecret } };
    });
  }
}

/**
 * The value of REGISTRY_NOTIFICATIONS_ENDPOINTS: the endpoints as JSON, every
 * `$` doubled so the kubelet passes it on literally (a URL holding
 * `$(ENDPOINT_TOKEN_0)` must not receive the token), except the token header
 * values, which are the `$(ENDPOINT_TOKEN_<n>)` references the kubelet is meant to expand.
 */
function endpointsEnvValue(endpoints: readonly RegistryEndpointConfig[], count: number): string {
  // Placeholders hold a NUL, which JSON writes as \u0000 and no validated string can contain.
  const placeholder = (index: number) => `\u0000token-${index}\u0000`;
  const withPlaceholders = endpoints.map((endpoint, index) => ({
    ...endpoint,
    headers: Object.fromEntries(
      Object.entries(endpoint.headers).map(([name, values]) => [
        name,
        values.map((value) => (value === `$(${endpointTokenEnv(index)})` ? placeholder(index) : value)),
      ]),
    ),
  }));
  let json = kubeletLiteral(JSON.stringify(withPlaceholders));
  for (let index = 0; index < count; index++) {
    json = json.split(JSON.stringify(placeholder(index)).slice(1, -1)).join(`$(${endpointTokenEnv(index)})`);
  }
  return json;
}
