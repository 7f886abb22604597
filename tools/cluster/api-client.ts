/**
 * A minimal client of the local API server for the cluster tests: it creates, reads and deletes
 * objects over REST with the kubeconfig's token and CA, using discovery to find each kind's
 * resource. One HTTPS request per object is ~100x faster than a kubectl process per object,
 * which matters when hundreds of cases are sent. kubectl itself is used where the user's
 * command is what is under test (applying dist/).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

/** A Kubernetes object as JSON. */
export interface ApiObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [field: string]: unknown;
}

/** The API server's answer to one request. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** `Warning` headers (PodSecurity `warn`, deprecations). */
  readonly warnings: readonly string[];
}

interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/** The status message of a refused request (`Status.message`), or the raw body. */
export function statusMessage(response: ApiResponse): string {
  const body = response.body as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : JSON.stringify(response.body);
}

export class ApiClient {
  /** Reads server, token and CA from a kubeconfig written by `startCluster`. */
  static fromKubeconfig(path: string): ApiClient {
    const text = readFileSync(path, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^\\s*${name}: (.+)$`, 'm').exec(text);
      if (!match?.[1]) throw new Error(`kubeconfig ${path} has no ${name}`);
      return match[1].trim();
    };
    return new ApiClient(field('server'), field('token'), readFileSync(field('certificate-authority'), 'utf8'));
  }

  private readonly agent: Agent;
  private readonly resources = new Map<string, ResourceInfo>();

  constructor(
    private readonly server: string,
    private readonly token: string,
    ca: string,
  ) {
    this.agent = new Agent({ ca, keepAlive: true, maxSockets: 4 });
  }

  /** Sends one request; never throws for an HTTP error status (the caller inspects it). */
  send(method: string, path: string, body?: unknown, query = ''): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}${query}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const warning = res.headers.warning;
            const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : [])
              .flatMap((w) => w.split(/,(?=\s*\d{3} )/))
              .map((w) => w.trim());
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The resource (plural, scope) of a kind, from discovery; cached. */
  async resourceOf(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    const known = this.resources.get(key);
    if (known) return known;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await this.send('GET', base);
    if (response.status !== 200) throw new Error(`discovery of ${apiVersion} failed: HTTP ${response.status}`);
    for (const r of (response.body as { resources: { name: string; kind: string; namespaced: boolean }[] }).resources) {
      if (!r.name.includes('/')) this.resources.set(`${apiVersion}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
    const found = this.resources.get(key);
    if (!found) throw new Error(`the API server serves no kind ${kind} in ${apiVersion}`);
    return found;
  }

  /** The collection path of an object's kind in its namespace. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const { plural, namespaced } = await this.resourceOf(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return namespaced ? `${base}/namespaces/${namespace ?? 'default'}/${plural}` : `${base}/${plural}`;
  }

  /** Whether the API server serves a kind (discovery), as kubectl's REST mapping asks before sending. */
  async serves(apiVersion: string, kind: string): Promise<boolean> {
    return this.resourceOf(apiVersion, kind).then(
      () => true,
      () => false,
    );
  }

  /**
   * POSTs the object (a create). `dryRun` sends `?dryRun=All` (admission runs, nothing is
   * stored). A kind the server does not serve is answered as kubectl answers it, without a request.
   */
  async create(object: ApiObject, options: { dryRun?: boolean } = {}): Promise<ApiResponse> {
    if (!(await this.serves(object.apiVersion, object.kind))) {
      return { status: 404, body: { message: `no matches for kind "${object.kind}" in version "${object.apiVersion}"` }, warnings: [] };
    }
    const path = await this.collectionPath(object.apiVersion, object.kind, object.metadata.namespace);
    // kubectl 1.28 defaults to --validate=strict: the server refuses unknown and duplicate fields.
    return this.send('POST', path, object, `?fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`);
  }

  async get<T = ApiObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    const response = await this.send('GET', `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200)
      throw new Error(`GET ${kind} ${namespace ?? ''}/${name}: HTTP ${response.status} ${statusMessage(response)}`);
    return response.body as T;
  }

  /** Lists a kind in one namespace, or in all of them when `namespace` is undefined. */
  async list<T = ApiObject>(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<T[]> {
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const { plural, namespaced } = await this.resourceOf(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const path = namespaced && namespace !== undefined ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
    const response = await this.send('GET', path, undefined, query);
    if (response.status !== 200) throw new Error(`LIST ${kind}: HTTP ${response.status} ${statusMessage(response)}`);
    return (response.body as { items: T[] }).items;
  }

  /** Deletes, ignoring 404; background propagation, does not wait. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<void> {
    const response = await this.send(
      'DELETE',
      `${await this.collectionPath(apiVersion, kind, namespace)}/${encodeURIComponent(name)}`,
      undefined,
      '?propagationPolicy=Background',
    );
    if (response.status >= 300 && response.status !== 404)
      throw new Error(`DELETE ${kind} ${name}: HTTP ${response.status} ${statusMessage(response)}`);
  }

  close(): void {
    this.agent.destroy();
  }
}
