import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, NOBODY_UID } from '../images';
import { declareExternalRefs } from '../../util/external-refs';
import { checkDnsLabel, checkDnsSubdomain, checkImage, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { IPodTarget, PodPort } from './pod-target';
import {
  containerResources,
  isCleanAbsolutePath,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../restricted-defaults';
import { LibraryConstruct } from '../library-construct';

/** A Secret created out of band (`kubectl create secret generic ...`) that the pod reads. */
export interface SecretReference {
  /** The Secret's name. */
  readonly name: string;
  /** Keys the pod reads; each becomes an env variable of the same name and a file. */
  readonly keys: string[];
}

/** Props of {@link ConfiguredPod}. */
export interface ConfiguredPodProps {
  /** Pod name; the ConfigMap is named `<name>-config`. */
  readonly name: string;
  /**
   * Settings written into the ConfigMap (key -> value). Keys must be valid
   * environment variable names so `envFrom` imports every one.
   */
  readonly settings: { readonly [key: string]: string };
  /**
   * The Secret the pod reads. Its values never appear in the output: create
   * it with `kubectl create secret generic NAME --from-literal=KEY=...`.
   */
  readonly secret: SecretReference;
  /**
   * Image of the container; it needs `sh`, `env` and `sleep`.
   * @default Images.shell
   */
  readonly image?: string;
  /**
   * Where the ConfigMap's keys appear as files.
   * @default '/etc/config'
   */
  readonly configMountPath?: string;
  /**
   * Where the Secret's keys appear as files (mode 0440, group = the pod's fsGroup).
   * @default '/etc/secret'
   */
  readonly secretMountPath?: string;
}

/** The prop names of {@link ConfiguredPodProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const CONFIGURED_POD_PROPS: PropNames<ConfiguredPodProps> = {
  name: true,
  settings: true,
  secret: true,
  image: true,
  configMountPath: true,
  secretMountPath: true,
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The container's script: prints the environment, sorted, with the value of
 * every variable named after a Secret key ($3...) replaced by a note, then
 * lists the mounted files ($1, $2) and sleeps.
 */
/** Variables the pod sets from the downward API; a setting of the same name would be silently overridden. */
const DOWNWARD_API_NAMES = ['POD_NAME', 'POD_NAMESPACE', 'POD_IP', 'NODE_NAME', 'NODE_INTERNAL_IP'];
/** The most bytes of data one ConfigMap holds (the API server's limit). */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

const PRINT_ENVIRONMENT = [
  'config="$1"; secret="$2"; shift 2',
  'env | sort | while IFS= read -r line; do',
  '  name="${line%%=*}"',
  '  for key in "$@"; do [ "$name" = "$key" ] && line="$name=(from the Secret; not printed)"; done',
  '  printf \'%s\\n\' "$line"',
  'done',
  'ls -l "$config" "$secret"',
  'exec sleep 86400',
].join('\n');

/**
 * Environment configuration for a container (동일한 컨테이너에서 환경설정),
 * every way Kubernetes offers at once:
 * 1. single variables with `valueFrom` (`configMapKeyRef`, `secretKeyRef`),
 * 2. `envFrom` the whole ConfigMap (prefixed `CONFIG_` to tell them apart),
 * 3. the ConfigMap and the Secret mounted as files,
 * 4. the downward API: pod name, namespace, POD IP, node name and the node's
 *    INTERNAL IP (`status.hostIP`).
 *
 * The container prints its environment and files, then sleeps:
 * `kubectl logs NAME` shows the result.
 */
export class ConfiguredPod extends LibraryConstruct implements IPodTarget {
  public readonly apiObject: k8s.KubePod;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly name: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[] = [];
  public readonly configMapName: string;

  constructor(scope: Construct, id: string, props: ConfiguredPodProps) {
    super(scope, id);
    checkKnownProps(this, 'ConfiguredPod', props, CONFIGURED_POD_PROPS);
    this.name = checkDnsLabel(this, 'name', props?.name);
    this.labels = { run: this.name };
    this.configMapName = `${this.name}-config`;
    const image = checkImage(this, 'image', props.image ?? Images.shell);
    const settings = this.checkSettings(props.settings);
    const secret = this.checkSecret(props.secret);
    const clash = secret.keys.find((key) => key in settings);
    if (clash !== undefined) invalidProp(this, 'secret.keys', clash, 'keys that are not also settings keys (both become env variables)');
    const configPath = this.checkPath('configMountPath', props.configMountPath ?? '/etc/config');
    const secretPath = this.checkPath('secretMountPath', props.secretMountPath ?? '/etc/secret');
    // Two read-only mounts: the same folder, or one inside the other, would hide files of the other.
    if (configPath === secretPath || secretPath.startsWith(`${configPath}/`) || configPath.startsWith(`${secretPath}/`)) {
      invalidProp(
        this,
        'secretMountPath',
        secretPath,
        `a path other than configMountPath "${configPath}", neither inside it nor containing it`,
      );
    }

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: this.configMapName },
      data: { ...settings },
    });

    const settingKeys = Object.keys(settings).sort();
    const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    this.apiObject = new k8s.KubePod(this, 'Resource', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        automountServiceAccountToken: false,
        // fsGroup: the kubelet makes the Secret files group-readable for the container's user.
        securityContext: { ...restrictedPodSecurityContext(), fsGroup: NOBODY_UID },
        containers: [
          {
            name: this.name,
            image,
            // The paths and the Secret's keys are positional arguments, never spliced into the script.
            // Variables set from the Secret are listed by name only: `kubectl logs` never shows a secret.
            command: ['sh', '-c', PRINT_ENVIRONMENT, 'sh', configPath, secretPath, ...secret.keys],
            env: [
              // 1. one key at a time
              ...settingKeys.map((key) => ({ name: key, valueFrom: { configMapKeyRef: { name: this.configMapName, key } } })),
              ...secret.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secret.name, key } } })),
              // 4. the downward API
              { name: 'POD_NAME', ...fieldRef('metadata.name') },
              { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
              { name: 'POD_IP', ...fieldRef('status.podIP') },
              { name: 'NODE_NAME', ...fieldRef('spec.nodeName') },
              { name: 'NODE_INTERNAL_IP', ...fieldRef('status.hostIP') },
            ],
            // 2. the whole map
            envFrom: [{ prefix: 'CONFIG_', configMapRef: { name: this.configMapName } }],
            // 3. files
            volumeMounts: [
              { name: 'config', mountPath: configPath, readOnly: true },
              { name: 'secret', mountPath: secretPath, readOnly: true },
            ],
            resources: containerResources(),
            securityContext: restrictedContainerSecurityContext(NOBODY_UID),
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: this.configMapName } },
          { name: 'secret', secret: { secretName: secret.name, defaultMode: 0o440 } },
        ],
        restartPolicy: 'Always',
      },
    });
    declareExternalRefs(this.apiObject, [{ kind: 'Secret', name: secret.name }]);
  }

  private checkSettings(settings: { readonly [key: string]: string } | undefined): { [key: string]: string } {
    if (typeof settings !== 'object' || settings === null || Object.keys(settings).length === 0) {
      invalidProp(this, 'settings', settings, 'an object with at least one key');
    }
    let bytes = 0;
    for (const [key, value] of Object.entries(settings)) {
      if (!ENV_NAME.test(key) || key.length > 253) {
        invalidProp(
          this,
          'settings key',
          key,
          'an environment variable name of at most 253 characters (a ConfigMap key): letters, digits and "_", not starting with a digit',
        );
      }
      if (DOWNWARD_API_NAMES.includes(key))
        invalidProp(
          this,
          'settings key',
          key,
          `a name other than the downward-API variables ${DOWNWARD_API_NAMES.join(', ')} (the pod sets them, and a later env entry silently wins)`,
        );
      if (typeof value !== 'string') invalidProp(this, `settings["${key}"]`, value, 'a string');
      bytes += Buffer.byteLength(value, 'utf8');
    }
    if (bytes > MAX_CONFIG_MAP_BYTES)
      invalidProp(
        this,
        'settings',
        `${bytes} bytes of values`,
        `at most ${MAX_CONFIG_MAP_BYTES} bytes (1 MiB) of values, the most a ConfigMap holds`,
      );
    return { ...settings };
  }

  private checkSecret(secret: SecretReference | undefined): SecretReference {
    if (!secret) invalidProp(this, 'secret', secret, 'a Secret reference { name, keys }');
    checkDnsSubdomain(this, 'secret.name', secret.name);
    if (!Array.isArray(secret.keys) || secret.keys.length === 0) invalidProp(this, 'secret.keys', secret.keys, 'at least one key');
    for (const key of secret.keys) {
      if (typeof key !== 'string' || !ENV_NAME.test(key) || key.length > 253)
        invalidProp(this, 'secret.keys', key, 'environment variable names of at most 253 characters such as "DB_PASSWORD"');
      if (DOWNWARD_API_NAMES.includes(key))
        invalidProp(this, 'secret.keys', key, `a name other than the downward-API variables ${DOWNWARD_API_NAMES.join(', ')}`);
    }
    const duplicate = secret.keys.find((key, i) => secret.keys.indexOf(key) !== i);
    if (duplicate !== undefined) invalidProp(this, 'secret.keys', duplicate, 'each key once');
    return secret;
  }

  private checkPath(field: string, path: string): string {
    if (!isCleanAbsolutePath(path)) {
      invalidProp(
        this,
        field,
        path,
        'an absolute path below / in clean form (no "//", "/.", "..", trailing "/" or control character), e.g. "/etc/config"',
      );
    }
    return path;
  }
}
