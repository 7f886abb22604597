/**
 * The registry's `config.yml` and its notification endpoints, as typed objects.
 *
 * Sources: distribution/distribution v2.8.3 `docs/configuration.md`,
 * `configuration/configuration.go` (field names), `configuration/parser.go`
 * (environment overrides).
 *
 * How the token stays out of the manifests: the endpoints list is not in
 * config.yml. It goes into the environment variable
 * `REGISTRY_NOTIFICATIONS_ENDPOINTS` as JSON text (the registry YAML-decodes
 * a variable that names a config field, and JSON is YAML). Each endpoint's
 * token header is written as `$(ENDPOINT_TOKEN_<n>)`, and `ENDPOINT_TOKEN_<n>`
 * is defined earlier in the container's env list from a `secretKeyRef`: the
 * kubelet replaces `$(NAME)` with the value of an earlier variable when it
 * starts the container. The token variables deliberately do not start with
 * `REGISTRY_`, which the registry would try to read as config overrides.
 */
import { stringify } from 'yaml';
import { SecretKeyReference } from '../util/secret-key-reference';

/** Version field every registry config starts with. */
export const REGISTRY_CONFIG_VERSION = '0.1';
/** Where the image reads its config. */
export const REGISTRY_CONFIG_PATH = '/etc/docker/registry/config.yml';
/** Where the image keeps blobs and manifests. */
export const REGISTRY_DATA_DIR = '/var/lib/registry';
/** Port the registry serves the v2 API on. */
export const REGISTRY_PORT = 5000;
/** The environment variable holding the endpoints list as JSON. */
export const REGISTRY_ENDPOINTS_ENV = 'REGISTRY_NOTIFICATIONS_ENDPOINTS';
/** Prefix of the variables holding each endpoint's token: `ENDPOINT_TOKEN_0`, `ENDPOINT_TOKEN_1`, ... */
export const ENDPOINT_TOKEN_ENV_PREFIX = 'ENDPOINT_TOKEN_';
/** Header an endpoint's token is sent in unless told otherwise. */
export const DEFAULT_TOKEN_HEADER = 'X-Registry-Token';
/** Blob uploads are reported with this media type; endpoints ignore it so only manifests notify. */
export const BLOB_MEDIA_TYPE = 'application/octet-stream';

/** One receiver of the registry's events (e.g. a Tekton EventListener). */
export interface RegistryNotificationEndpoint {
  /** Name of the endpoint in the registry's logs and metrics; unique per registry. */
  readonly name: string;
  /** URL the events are POSTed to, e.g. `http://el-registry-push.ci.svc.cluster.local:8080/`. */
  readonly url: string;
  /**
   * The Secret key holding the token sent with every request, e.g.
   * `{ name: 'registry-webhook-token', key: 'token' }`. The token is placed
   * inside JSON text unescaped, so use characters such as `openssl rand -hex 20` gives.
   */
  readonly tokenSecret: SecretKeyReference;
  /**
   * Header the token is sent in.
   * @default 'X-Registry-Token'
   */
  readonly header?: string;
  /**
   * HTTP timeout per request (Go duration).
   * @default '2s'
   */
  readonly timeout?: string;
  /**
   * Consecutive failures before the endpoint backs off.
   * @default 5
   */
  readonly threshold?: number;
  /**
   * Wait after reaching the threshold before trying again (Go duration).
   * @default '1s'
   */
  readonly backoff?: string;
}

/** An endpoint as the registry reads it (the `notifications.endpoints[]` schema). */
export interface RegistryEndpointConfig {
  readonly name: string;
  readonly url: string;
  /** Header name to list of values; the token value is a `$(ENDPOINT_TOKEN_<n>)` reference. */
  readonly headers: { readonly [header: string]: readonly string[] };
  readonly timeout: string;
  readonly threshold: number;
  readonly backoff: string;
  readonly ignoredmediatypes: readonly string[];
  readonly ignore: { readonly actions: readonly string[] };
}

/** The config.yml document (the parts this library sets). */
export interface RegistryConfigFile {
  readonly version: string;
  readonly log: { readonly level: string; readonly fields: { readonly service: string } };
  readonly storage: {
    readonly filesystem: { readonly rootdirectory: string };
    readonly delete: { readonly enabled: boolean };
    readonly cache: { readonly blobdescriptor: 'inmemory' };
  };
  readonly http: { readonly addr: string; readonly headers: { readonly [header: string]: readonly string[] } };
  readonly health: { readonly storagedriver: { readonly enabled: boolean; readonly interval: string; readonly threshold: number } };
  readonly notifications?: { readonly events: { readonly includereferences: boolean } };
}

/** Inputs of {@link registryConfig}. */
export interface RegistryConfigOptions {
  /** Allow deleting manifests and blobs through the API. */
  readonly deleteEnabled: boolean;
  /** Whether notification endpoints are configured (through the environment). */
  readonly notifications: boolean;
}

/** Name of the variable holding the token of the endpoint at `index`. */
export function endpointTokenEnv(index: number): string {
  return `${ENDPOINT_TOKEN_ENV_PREFIX}${index}`;
}

/** The endpoints as the registry will read them, token values as `$(VAR)` references. Applies the defaults. */
export function effectiveEndpoints(endpoints: readonly RegistryNotificationEndpoint[]): RegistryEndpointConfig[] {
  return endpoints.map((endpoint, index) => ({
    name: endpoint.name,
    url: endpoint.url,
    headers: { [endpoint.header ?? DEFAULT_TOKEN_HEADER]: [`$(${endpointTokenEnv(index)})`] },
    timeout: endpoint.timeout ?? '2s',
    threshold: endpoint.threshold ?? 5,
    backoff: endpoint.backoff ?? '1s',
    // Blob uploads and pulls would flood the receiver; what is left are manifest pushes (and deletes).
    ignoredmediatypes: [BLOB_MEDIA_TYPE],
    ignore: { actions: ['pull'] },
  }));
}

/** The config.yml document. Endpoints are not in it (see the file comment). */
export function registryConfig(options: RegistryConfigOptions): RegistryConfigFile {
  return {
    version: REGISTRY_CONFIG_VERSION,
    log: { level: 'info', fields: { service: 'registry' } },
    storage: {
      filesystem: { rootdirectory: REGISTRY_DATA_DIR },
      delete: { enabled: options.deleteEnabled },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: { addr: `:${REGISTRY_PORT}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
    health: { storagedriver: { enabled: true, interval: '10s', threshold: 3 } },
    notifications: options.notifications ? { events: { includereferences: true } } : undefined,
  };
}

/** config.yml text; the same document always gives the same text. */
export function renderRegistryConfig(config: RegistryConfigFile): string {
  return stringify(config, { lineWidth: 0 });
}
