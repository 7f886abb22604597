/**
 * The registry's `config.yml` and its notification endpoints, as typed
 * objects, and the registry facts other constructs share: its port, the
 * token header, and the syntax of repository names, registry hosts and
 * header names (one definition each).
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
import { IConstruct } from 'constructs';
import { isDnsSubdomain, isPortNumber } from '../../util/k8s-syntax';
import { invalidProp } from '../../util/props-check';
import { SecretKeyReference } from '../../util/secret-key-reference';

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
/** Header an endpoint's token is sent in unless told otherwise (the registry sends it, the listener checks it). */
export const DEFAULT_TOKEN_HEADER = 'X-Registry-Token';
/**
 * Log level of the registry. Not `info` or `debug`: at `info` the registry
 * logs each notification endpoint when it starts (`configuring endpoint
 * ... headers=...`) with the header values, which after the kubelet's
 * `$(VAR)` expansion are the tokens, so they would show in `kubectl logs`.
 */
export const REGISTRY_LOG_LEVEL = 'warn';
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
    log: { level: REGISTRY_LOG_LEVEL, fields: { service: 'registry' } },
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
  // Loaded here, not at the top: importing the package root does not load a YAML library (a registry is rarely built).
  const { stringify } = require('yaml') as typeof import('yaml');
  return stringify(config, { lineWidth: 0 });
}

/**
 * Name grammar of a repository in the distribution registry
 * (`reference` package: lower-case alphanumeric components joined by
 * ".", "_", "__" or dashes, path components separated by "/").
 */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** Longest repository name the registry accepts. */
export const REPOSITORY_NAME_MAX_LENGTH = 255;
/** What a repository name must look like, for error messages. */
export const REPOSITORY_NAME_RULE =
  `a registry repository name such as "gitadmin/demo-app": at most ${REPOSITORY_NAME_MAX_LENGTH} characters, ` +
  '"/"-separated components of lower-case alphanumerics joined by ".", "_", "__" or "-"';

/** Whether the registry accepts `value` as a repository name (the part of an image reference after `host:port/`). */
export function isRepositoryName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= REPOSITORY_NAME_MAX_LENGTH && REPOSITORY_NAME.test(value);
}

/** An HTTP header name (an RFC 7230 token). */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header name must look like, for error messages. */
export const HTTP_HEADER_NAME_RULE = 'an HTTP header name such as "X-Registry-Token"';

/** Whether `value` is a valid HTTP header name, e.g. the header a notification token is sent in. */
export function isHttpHeaderName(value: unknown): value is string {
  return typeof value === 'string' && HTTP_TOKEN.test(value);
}

const REGISTRY_HOST = /^([^:]+)(?::([1-9][0-9]{0,4}))?$/;
/** What a registry host must look like, for error messages. */
export const REGISTRY_HOST_RULE =
  'a registry host with an optional port, e.g. "registry.ci.svc.cluster.local:5000" or "localhost:30500" ' +
  '(a lower-case DNS name or IPv4 address, port 1-65535, no scheme)';

/**
 * Whether `value` is the registry part of an image reference as this
 * library writes it: `host[:port]`, host a lower-case DNS name or IPv4
 * address, port 1-65535.
 */
export function isRegistryHost(value: unknown): value is string {
  const match = typeof value === 'string' ? REGISTRY_HOST.exec(value) : null;
  return match !== null && isDnsSubdomain(match[1]) && (match[2] === undefined || isPortNumber(Number(match[2])));
}

/** Checks a registry host prop (see {@link isRegistryHost}). */
export function checkRegistryHost(scope: IConstruct, field: string, value: unknown): string {
  if (!isRegistryHost(value)) invalidProp(scope, field, value, REGISTRY_HOST_RULE);
  return value;
}
