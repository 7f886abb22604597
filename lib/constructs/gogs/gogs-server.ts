import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IPodTarget, PodPort } from '../pod/pod-target';
import { GOGS_IMAGE, GOGS_UID } from '../images';
import { ContainerSize, checkContainerSize, containerResources } from '../restricted-defaults';
import { CONFIG_HASH_ANNOTATION, configHash } from '../../util/config-hash';
import { declareExternalRefs } from '../../util/external-refs';
import { checkNodePort, invalidProp, checkPropsObject, checkKnownProps, PropNames } from '../../util/props-check';
import { NodeServiceType } from '../service/service-type';
import { renderIni } from './app-ini';
import {
  GOGS_CONFIG_DIR,
  GOGS_CONFIG_PATH,
  GOGS_CUSTOM_DIR,
  GOGS_DATA_DIR,
  GOGS_HOME_DIR,
  GOGS_RUN_USER,
  GOGS_SECRET_KEY_ENV,
  gogsAppIni,
} from './gogs-app-ini';
import { SecretKeyReference, checkSecretKeyReference } from '../../util/secret-key-reference';
import { WEBHOOK_URL_RULE, allowlistFor, webhookHost } from '../../util/webhook-hosts';
import { checkInClusterServer, serverPodSpec, serverService } from '../in-cluster-server';
import { LibraryConstruct } from '../library-construct';

/** Port of the Gogs web server (HTTP and git over HTTP). */
export const GOGS_HTTP_PORT = 3000;
/** Port of Gogs' built-in SSH server (the image has no OpenSSH; 22 would need root). */
export const GOGS_SSH_PORT = 2222;

/** Requests and limits of the Gogs container: Go web server plus git processes on push and clone. */
export const GOGS_CONTAINER_SIZE: ContainerSize = {
  cpuRequest: '50m',
  memoryRequest: '64Mi',
  cpuLimit: '500m',
  memoryLimit: '256Mi',
};

/** The Secret holding `[security] SECRET_KEY` unless told otherwise. */
export const DEFAULT_GOGS_SECRET_KEY: SecretKeyReference = { name: 'gogs-secret-key', key: 'secret-key' };

/** Annotation on a pod template with the SHA-256 of the generated config, so a config change rolls the pod. */

/** Props of {@link GogsServer}. */
export interface GogsServerProps {
  /**
   * Name of the Service, the StatefulSet and the `app` label. The in-cluster
   * URL is `http://NAME.NAMESPACE.svc.CLUSTER_DOMAIN:3000/`.
   * @default 'gogs'
   */
  readonly serviceName?: string;

  /**
   * URLs Gogs will deliver webhooks to. Their hostnames become
   * `[security] LOCAL_NETWORK_ALLOWLIST`, which Gogs needs before it posts to
   * any cluster address. Give the URL exactly as the hook will use it, e.g.
   * `http://el-gogs-push.ci.svc.cluster.local:8080/` (Gogs compares hostnames
   * as exact, case-sensitive strings). Query strings are fine; only the
   * hostname is written to the config.
   * @default [] (no cluster address may receive webhooks)
   */
  readonly webhookUrls?: readonly string[];

  /**
   * The Secret key holding `[security] SECRET_KEY`. Create it before the pod
   * starts: `kubectl -n NAMESPACE create secret generic gogs-secret-key
   * --from-literal=secret-key="$(openssl rand -hex 32)"`.
   * @default DEFAULT_GOGS_SECRET_KEY ({ name: 'gogs-secret-key', key: 'secret-key' })
   */
  readonly secretKey?: SecretKeyReference;

  /**
   * Size of the volume for /data (repositories, sqlite database, avatars).
   * @default '2Gi'
   */
  readonly storageSize?: string;

  /**
   * StorageClass of the volume.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Service type. `NodePort` also opens the web UI and SSH on every node
   * for the learner's browser and git client.
   * @default 'ClusterIP'
   */
  readonly serviceType?: NodeServiceType;

  /**
   * Fixed node port for HTTP (only with `serviceType: 'NodePort'`).
   * @default the cluster picks one
   */
  readonly httpNodePort?: number;

  /**
   * Fixed node port for SSH (only with `serviceType: 'NodePort'`).
   * @default the cluster picks one
   */
  readonly sshNodePort?: number;

  /**
   * Turn off the sign-up form; accounts are then created by an admin
   * (`gogs admin create-user`, see the class documentation).
   * @default false (the first account signed up becomes admin)
   */
  readonly disableRegistration?: boolean;

  /**
   * DNS domain of the cluster, used in the in-cluster URL.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Container image. It must keep the layout of the `gogs/gogs:next-*`
   * images (binary at /app/gogs/gogs, user `git` = uid 1000, /bin/sh).
   * @default GOGS_IMAGE
   */
  readonly image?: string;

  /**
   * CPU and memory requests and limits.
   * @default GOGS_CONTAINER_SIZE (50m/64Mi requested, 500m/256Mi limit)
   */
  readonly size?: ContainerSize;
}

/** The prop names of {@link GogsServerProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const GOGS_SERVER_PROPS: PropNames<GogsServerProps> = {
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

const NAME_PART = /^[A-Za-z0-9_.-]+$/;

/**
 * A Gogs git server that starts configured, without the install wizard:
 * a one-replica StatefulSet (`gogs/gogs:next-*`, uid 1000, restricted Pod
 * Security), a volume for /data, a ConfigMap with the generated `app.ini`
 * and a Service with HTTP (3000) and the built-in SSH server (2222).
 *
 * - `EXTERNAL_URL` is the in-cluster URL, so `clone_url` in webhook payloads
 *   is something a pipeline pod can clone from.
 * - `LOCAL_NETWORK_ALLOWLIST` holds the hostnames of `webhookUrls`, so Gogs
 *   delivers webhooks to cluster Services.
 * - `SECRET_KEY` is `${GOGS_SECRET_KEY}` in app.ini; Gogs expands it from an
 *   environment variable filled from a Secret created out of band.
 * - The container runs `gogs web --config /etc/gogs/app.ini`, reading the
 *   ConfigMap directly instead of a copy inside the volume.
 *
 * Creating the first admin after the pod is Ready (sign-up is open unless
 * `disableRegistration`; the first account signed up is made admin), with the password read
 * inside the pod rather than passed on a command line:
 *
 * ```sh
 * read -rs -p 'Gogs admin password: ' GOGS_PASSWORD && echo
 * printf '%s\n' "$GOGS_PASSWORD" | kubectl -n NAMESPACE exec -i NAME-0 -- sh -c \
 *   'read -r p && exec /app/gogs/gogs admin create-user --name ADMIN --password "$p" --email ADMIN@example.com --admin --config /etc/gogs/app.ini'
 * ```
 *
 * For exercise 8, `ciSetup` (lib/exercises/ci-setup.ts) computes these commands with the
 * exercise's names, and the docs show them.
 *
 * @example
 * const gogs = new GogsServer(chart, 'gogs', {
 *   webhookUrls: ['http://el-gogs-push.ci.svc.cluster.local:8080/'],
 * });
 * gogs.cloneUrlFor('gogs-admin', 'app'); // http://gogs.ci.svc.cluster.local:3000/gogs-admin/app.git
 */
export class GogsServer extends LibraryConstruct implements IPodTarget {
  /** The StatefulSet running Gogs (one replica; its pod is `NAME-0`). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The Service (ports `http` 3000 and `ssh` 2222). */
  public readonly service: k8s.KubeService;
  /** The ConfigMap holding `app.ini`. */
  public readonly configMap: k8s.KubeConfigMap;
  /** Name of the Service and the StatefulSet. */
  public readonly name: string;
  /** Namespace the objects land in (the chart's, or `default`). */
  public readonly namespace: string;
  /** In-cluster DNS name of the Service, e.g. `gogs.ci.svc.cluster.local`. */
  public readonly host: string;
  /** `[server] EXTERNAL_URL`: the in-cluster URL, ending in `/`. */
  public readonly externalUrl: string;
  /** `[security] LOCAL_NETWORK_ALLOWLIST`: the distinct hostnames of `webhookUrls`. */
  public readonly allowlistedHosts: readonly string[];
  /** The generated app.ini text (also the ConfigMap's `app.ini` key). */
  public readonly appIni: string;
  /** The Secret key `[security] SECRET_KEY` is read from. */
  public readonly secretKey: SecretKeyReference;
  /** Labels of the pod, also the Service's selector. */
  public readonly labels: { readonly [key: string]: string };
  /** The NetworkPolicy admitting node-port clients (a NodePort Service inside a Project only). */
  public readonly fromOutside?: k8s.KubeNetworkPolicy;
  /** The pod's ports: `http` 3000 and `ssh` 2222. */
  public readonly ports: readonly PodPort[] = [
    { containerPort: GOGS_HTTP_PORT, name: 'http', protocol: 'TCP' },
    { containerPort: GOGS_SSH_PORT, name: 'ssh', protocol: 'TCP' },
  ];

  constructor(scope: Construct, id: string, props: GogsServerProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'GogsServer', props, GOGS_SERVER_PROPS);
    props = checkPropsObject<GogsServerProps>(this, props, false);
    const server = checkInClusterServer(this, props, { serviceName: 'gogs', image: GOGS_IMAGE, storageSize: '2Gi' });
    this.name = server.name;
    this.secretKey = checkSecretKeyReference(this, 'secretKey', props.secretKey ?? DEFAULT_GOGS_SECRET_KEY);
    const serviceType = server.serviceType;
    const nodePorts = { httpNodePort: props.httpNodePort, sshNodePort: props.sshNodePort };
    for (const [field, value] of Object.entries(nodePorts)) {
      if (value === undefined) continue;
      if (serviceType !== 'NodePort') invalidProp(this, field, value, `no ${field} unless serviceType is "NodePort"`);
      checkNodePort(this, field, value);
    }
    if (nodePorts.httpNodePort !== undefined && nodePorts.httpNodePort === nodePorts.sshNodePort) {
      invalidProp(this, 'sshNodePort', nodePorts.sshNodePort, 'a node port different from httpNodePort');
    }
    if (props.disableRegistration !== undefined && typeof props.disableRegistration !== 'boolean') {
      invalidProp(this, 'disableRegistration', props.disableRegistration, 'true or false');
    }

    const webhookUrls = props.webhookUrls ?? [];
    if (!Array.isArray(webhookUrls)) invalidProp(this, 'webhookUrls', webhookUrls, 'a list of URLs');
    webhookUrls.forEach((url, index) => {
      const result = webhookHost(url);
      if ('problem' in result) invalidProp(this, `webhookUrls[${index}]`, url, `${WEBHOOK_URL_RULE} (it ${result.problem})`);
    });
    this.allowlistedHosts = allowlistFor(webhookUrls);

    this.namespace = server.namespace;
    this.host = server.host;
    this.externalUrl = `http://${this.host}:${GOGS_HTTP_PORT}/`;
    this.labels = server.labels;

    this.appIni = renderIni(
      gogsAppIni({
        domain: this.host,
        externalUrl: this.externalUrl,
        httpPort: GOGS_HTTP_PORT,
        sshPort: GOGS_SSH_PORT,
        localNetworkAllowlist: this.allowlistedHosts,
        disableRegistration: props.disableRegistration ?? false,
      }),
    );

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, labels: { ...this.labels } },
      data: { 'app.ini': this.appIni },
    });

    ({ service: this.service, fromOutside: this.fromOutside } = serverService(this, server, [
      { name: 'http', port: GOGS_HTTP_PORT, nodePort: nodePorts.httpNodePort },
      { name: 'ssh', port: GOGS_SSH_PORT, nodePort: nodePorts.sshNodePort },
    ]));

    const healthcheck: k8s.HttpGetAction = { path: '/healthcheck', port: k8s.IntOrString.fromString('http') };
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: { ...this.labels } },
        template: {
          metadata: {
            labels: { ...this.labels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(this.appIni) },
          },
          spec: serverPodSpec({
            uid: GOGS_UID,
            container: {
              name: 'gogs',
              image: server.image,
              // The image's entrypoint (start.sh) only creates /data/gogs and /data/git and runs its
              // arguments; doing the same here keeps the start independent of that script and adds --config.
              command: [
                '/bin/sh',
                '-c',
                `mkdir -p ${GOGS_CUSTOM_DIR} ${GOGS_HOME_DIR} && exec /app/gogs/gogs web --config ${GOGS_CONFIG_PATH}`,
              ],
              env: [
                { name: 'GOGS_CUSTOM', value: GOGS_CUSTOM_DIR },
                // Gogs compares RUN_USER with $USER; git writes ~/.gitconfig under $HOME (on the volume).
                { name: 'USER', value: GOGS_RUN_USER },
                { name: 'HOME', value: GOGS_HOME_DIR },
                { name: GOGS_SECRET_KEY_ENV, valueFrom: { secretKeyRef: { name: this.secretKey.name, key: this.secretKey.key } } },
              ],
              // The first start creates the database and the SSH host key; give it up to 2.5 minutes.
              startupProbe: { httpGet: healthcheck, periodSeconds: 5, failureThreshold: 30, timeoutSeconds: 3 },
              readinessProbe: { httpGet: healthcheck, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
              livenessProbe: { httpGet: healthcheck, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 },
              resources: containerResources(checkContainerSize(this, 'size', props.size ?? GOGS_CONTAINER_SIZE)),
            },
            ports: this.ports,
            // app.ini points every path Gogs writes (data, logs, uploads, LFS, SSH host keys) at /data,
            // HOME is /data/git, and temporary files go to /tmp.
            volumeMounts: [
              { name: 'data', mountPath: GOGS_DATA_DIR },
              { name: 'config', mountPath: GOGS_CONFIG_DIR, readOnly: true },
            ],
            volumes: [{ name: 'config', configMap: { name: this.configMap.name } }],
          }),
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: { ...this.labels } },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: server.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(server.storageSize) } },
            },
          },
        ],
      },
    });
    declareExternalRefs(this.statefulSet, [{ kind: 'Secret', name: this.secretKey.name }]);
  }

  /**
   * The HTTP clone URL of a repository, as Gogs puts it in webhook payloads
   * (`repository.clone_url` = EXTERNAL_URL + owner/repo.git).
   */
  public cloneUrlFor(owner: string, repo: string): string {
    for (const [field, value] of [
      ['owner', owner],
      ['repo', repo],
    ] as const) {
      if (typeof value !== 'string' || value.length > 100 || !NAME_PART.test(value) || value === '.' || value === '..') {
        invalidProp(
          this,
          field,
          value,
          'a Gogs user, organization or repository name: at most 100 characters of A-Z, a-z, 0-9, "-", "_" and "."',
        );
      }
    }
    if (repo.endsWith('.git')) invalidProp(this, 'repo', repo, 'a repository name without the ".git" suffix');
    return `${this.externalUrl}${owner}/${repo}.git`;
  }
}
