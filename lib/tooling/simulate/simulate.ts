/**
 * What an EventListener of Tekton Triggers v0.37.0 does with one delivery, offline: run each
 * trigger's interceptors in order, resolve its bindings, instantiate its template and label the
 * result as the sink does before creating it. The real sink (tools/cluster, test/cluster/
 * simulate-vs-sink) is the oracle this is measured against.
 *
 * Interceptors modelled:
 * - the `cel` ClusterInterceptor (filter, then overlays; lib/tooling/simulate/triggers-cel.ts);
 * - a namespaced Interceptor served by a workload of the same manifests that runs a Node program
 *   from a ConfigMap (our Gogs signature interceptor): the program text from the manifests is
 *   run, its `decide()` called with the InterceptorRequest, and its Secret file read from the
 *   `--secret` values. Nothing of the program is re-implemented here. Only a program this library
 *   ships is run (checked by hash): a manifest is input, and node:vm is no security boundary.
 * Any other interceptor is reported as not simulated (an error, never a guess).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { GOGS_SIGNATURE_SCRIPT } from '../../util/gogs-signature-script';
import { evaluateCel, headerMap, SecretStore, WebhookRequest } from './triggers-cel';
import { instantiateTemplate, resolveBinding } from './trigger-resolution';

/** SHA-256 of the interceptor programs this library ships: the only ones simulate runs. */
const SHIPPED_PROGRAMS: ReadonlySet<string> = new Set([createHash('sha256').update(GOGS_SIGNATURE_SCRIPT).digest('hex')]);

/** One delivery, as it reaches the listener. */
export interface Delivery {
  /** The request body exactly as sent (the signature covers these bytes). */
  readonly body: string;
  /** Header name to values (any case; canonicalised like Go's http.Header). */
  readonly headers: { readonly [name: string]: string | readonly string[] };
  /** The request URI, e.g. `/?token=abc`. @default '/' */
  readonly url?: string;
}

/** How one interceptor judged the delivery. */
export interface InterceptorStep {
  /** The interceptor's name in the trigger (or its ref when unnamed). */
  readonly name: string;
  /** `ClusterInterceptor/cel`, `Interceptor/ci/gogs-push-signature`, ... */
  readonly ref: string;
  readonly continue: boolean;
  /** Why it stopped the event: the failing CEL clause, or the interceptor's status. */
  readonly reason?: string;
  /** Extensions it added (cel overlays). */
  readonly extensions?: { readonly [key: string]: unknown };
}

/** What one trigger of the listener does with the delivery. */
export interface TriggerResult {
  readonly trigger: string;
  readonly accepted: boolean;
  readonly interceptors: readonly InterceptorStep[];
  /** Set when the trigger stopped with an error after its interceptors (binding or template). */
  readonly error?: string;
  /** The binding params (name -> value), when the interceptors let it through. */
  readonly params?: { readonly [name: string]: string };
  /** The objects it would create, labelled and namespaced as the sink creates them. */
  readonly resources: readonly any[];
}

export interface SimulationResult {
  readonly listener: string;
  readonly namespace: string;
  /** True when at least one trigger creates resources. */
  readonly accepted: boolean;
  readonly triggers: readonly TriggerResult[];
}

/** The value the simulation puts in the `triggers.tekton.dev/triggers-eventid` label (the sink puts a fresh UUID there). */
export const SIMULATED_EVENT_ID = 'simulated';

const GRPC_CODES: { [code: number]: string } = {
  0: 'OK', 1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 5: 'NOT_FOUND', 7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION', 13: 'INTERNAL', 16: 'UNAUTHENTICATED',
};

type Obj = any;

function find(objects: readonly Obj[], kind: string, namespace: string | undefined, name: string): Obj | undefined {
  return objects.find((o) => o?.kind === kind && o.metadata?.name === name && (namespace === undefined || (o.metadata?.namespace ?? 'default') === namespace));
}

/** Splits a CEL expression at its top-level `&&` (outside parentheses, brackets and strings). */
export function topLevelConjuncts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && c === '&' && expression[i + 1] === '&') {
      parts.push(expression.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p !== '');
}

function celStep(name: string, ref: string, interceptor: Obj, request: WebhookRequest, secrets: SecretStore, extensions: { [key: string]: unknown }): InterceptorStep {
  const param = (n: string) => (interceptor.params ?? []).find((p: Obj) => p.name === n)?.value;
  const filter: string | undefined = param('filter');
  const overlays: { key: string; expression: string }[] = param('overlays') ?? [];
  if (request.body === undefined) return { name, ref, continue: false, reason: 'the body is not JSON: the cel interceptor cannot parse it' };
  if (filter) {
    let out: unknown;
    let failure: string | undefined;
    try {
      out = evaluateCel(filter, request, secrets, extensions);
    } catch (error) {
      failure = (error as Error).message;
    }
    if (failure !== undefined || out !== true) {
      // Name the first top-level clause that is not true (the filter is usually a chain of `&&`).
      const clauses = topLevelConjuncts(filter);
      for (const clause of clauses.length > 1 ? clauses : []) {
        let value: unknown;
        try {
          value = evaluateCel(clause, request, secrets, extensions);
        } catch (error) {
          return { name, ref, continue: false, reason: `filter clause \`${clause}\` fails: ${(error as Error).message.replace(`CEL error in ${clause}: `, '')}` };
        }
        if (value !== true) return { name, ref, continue: false, reason: `filter clause \`${clause}\` is ${JSON.stringify(value)}` };
      }
      return { name, ref, continue: false, reason: failure !== undefined ? `filter error: ${failure}` : `filter \`${filter}\` is ${JSON.stringify(out)}` };
    }
  }
  const added: { [key: string]: unknown } = {};
  for (const overlay of overlays) {
    try {
      added[overlay.key] = evaluateCel(overlay.expression, request, secrets, { ...extensions, ...added });
    } catch (error) {
      return { name, ref, continue: false, reason: `overlay ${overlay.key} fails: ${(error as Error).message}` };
    }
  }
  return { name, ref, continue: true, extensions: added };
}

/** The program, environment and Secret files of the workload behind a namespaced Interceptor's Service. */
function interceptorProgram(objects: readonly Obj[], interceptor: Obj): { program: string; env: { [name: string]: string }; secretFiles: Map<string, { secret: string; key: string }> } {
  const namespace = interceptor.metadata.namespace ?? 'default';
  const serviceRef = interceptor.spec?.clientConfig?.service;
  if (!serviceRef) throw new Error(`Interceptor ${namespace}/${interceptor.metadata.name} has no clientConfig.service in the manifests; only an interceptor served by a workload of the same file can be simulated`);
  const service = find(objects, 'Service', serviceRef.namespace ?? namespace, serviceRef.name);
  if (!service) throw new Error(`Service ${serviceRef.namespace ?? namespace}/${serviceRef.name} of Interceptor ${interceptor.metadata.name} is not in the manifests`);
  const selector: { [k: string]: string } = service.spec?.selector ?? {};
  const workload = objects.find((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o?.kind) && (o.metadata?.namespace ?? 'default') === (service.metadata.namespace ?? 'default')
    && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => o.spec?.template?.metadata?.labels?.[k] === v));
  if (!workload) throw new Error(`no workload in the manifests is selected by Service ${service.metadata.name}`);
  const pod = workload.spec.template.spec;
  const container = pod.containers[0];
  const command: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  if (command[0] !== 'node' || command.length !== 2) throw new Error(`${workload.kind} ${workload.metadata.name} does not run \`node <program>\`; only such interceptors can be simulated`);
  const volumes = new Map<string, Obj>((pod.volumes ?? []).map((v: Obj) => [v.name, v]));
  // A file path -> the volume source and key it comes from.
  const fileSource = (path: string): { volume: Obj; key: string } | undefined => {
    for (const mount of container.volumeMounts ?? []) {
      const dir = String(mount.mountPath).replace(/\/$/, '');
      if (!path.startsWith(`${dir}/`)) continue;
      const volume = volumes.get(mount.name);
      const file = path.slice(dir.length + 1);
      const source = volume?.configMap ?? volume?.secret;
      if (!source) continue;
      const item = (source.items ?? []).find((i: Obj) => i.path === file);
      if (source.items && !item) continue;
      return { volume, key: item ? item.key : file };
    }
    return undefined;
  };
  const programSource = fileSource(command[1]!);
  if (!programSource?.volume.configMap) throw new Error(`the program ${command[1]} of ${workload.kind} ${workload.metadata.name} is not mounted from a ConfigMap`);
  const configMap = find(objects, 'ConfigMap', workload.metadata.namespace ?? 'default', programSource.volume.configMap.name);
  const program = configMap?.data?.[programSource.key];
  if (typeof program !== 'string') throw new Error(`ConfigMap ${programSource.volume.configMap.name} has no key ${programSource.key}`);
  const env: { [name: string]: string } = {};
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  const secretFiles = new Map<string, { secret: string; key: string }>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume?.secret) continue;
    const dir = String(mount.mountPath).replace(/\/$/, '');
    for (const item of volume.secret.items ?? []) secretFiles.set(`${dir}/${item.path}`, { secret: volume.secret.secretName, key: item.key });
  }
  return { program, env, secretFiles };
}

function namespacedInterceptorStep(name: string, objects: readonly Obj[], interceptor: Obj, delivery: Delivery, secrets: SecretStore): InterceptorStep {
  const ref = `Interceptor/${interceptor.metadata.namespace ?? 'default'}/${interceptor.metadata.name}`;
  const { program, env, secretFiles } = interceptorProgram(objects, interceptor);
  const missing: string[] = [];
  const fs = {
    readFileSync(path: string) {
      const source = secretFiles.get(path);
      const value = source ? secrets[source.secret]?.[source.key] : undefined;
      if (value === undefined) {
        if (source) missing.push(`${source.secret}/${source.key}`);
        throw new Error(`ENOENT: no such file, open '${path}'`);
      }
      return value;
    },
  };
  const modules: { [name: string]: unknown } = {
    'node:crypto': { createHmac, createHash, timingSafeEqual },
    'node:fs': fs,
    'node:http': { createServer: () => ({ listen() { /* not served: only decide() is called */ }, close() { /* nothing to close */ } }) },
  };
  const sandbox: { [key: string]: unknown } = {
    require: (id: string) => {
      if (!(id in modules)) throw new Error(`the interceptor program requires ${id}, which the simulation does not provide`);
      return modules[id];
    },
    process: { env, on() { /* no signals here */ }, exit() { /* never exits */ } },
    console: { log() { /* quiet */ }, error() { /* quiet */ } },
    Buffer,
  };
  // A manifest is input, not code to trust: node:vm is no security boundary, so only a program
  // this library ships (byte for byte) is run; any other text is refused, never executed.
  if (!SHIPPED_PROGRAMS.has(createHash('sha256').update(program).digest('hex'))) {
    throw new Error(`the program of Interceptor ${interceptor.metadata.name} is not one this library ships; simulate runs only known programs (a manifest's code is never executed)`);
  }
  runInNewContext(program, sandbox, { filename: `${interceptor.metadata.name}/server.js`, timeout: 5000 });
  const decide = sandbox.decide;
  if (typeof decide !== 'function') throw new Error(`the program of Interceptor ${interceptor.metadata.name} has no top-level decide(request) function`);
  const header: { [name: string]: string[] } = {};
  for (const [k, v] of headerMap(delivery.headers)) header[k] = v;
  const [code, message] = decide({ body: delivery.body, header, extensions: {}, interceptor_params: {}, context: { event_url: delivery.url ?? '/', event_id: SIMULATED_EVENT_ID } }) as [number, string];
  if (code === 0) return { name, ref, continue: true };
  const hint = missing.length > 0 ? ` (give the Secret's value with --secret ${missing[0]}=VALUE)` : '';
  return { name, ref, continue: false, reason: `${GRPC_CODES[code] ?? `code ${code}`}: ${message}${hint}` };
}

/** Parses a JSON body as Go's encoding/json would for the cel interceptor; undefined when it is not JSON. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Simulates one delivery to the EventListener `listener` of `objects` (the manifests). */
export function simulate(objects: readonly Obj[], listener: string, delivery: Delivery, secrets: SecretStore = {}, eventId = SIMULATED_EVENT_ID): SimulationResult {
  const [nsPart, namePart] = listener.includes('/') ? listener.split('/', 2) : [undefined, listener];
  const matches = objects.filter((o) => o?.kind === 'EventListener' && o.metadata?.name === namePart && (nsPart === undefined || (o.metadata?.namespace ?? 'default') === nsPart));
  if (matches.length === 0) {
    const known = objects.filter((o) => o?.kind === 'EventListener').map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    throw new Error(`no EventListener ${listener} in the manifests${known.length ? `; they have ${known.join(', ')}` : ''}`);
  }
  if (matches.length > 1) throw new Error(`EventListener ${listener} is in several namespaces; name it as NAMESPACE/NAME`);
  const el = matches[0];
  const namespace: string = el.metadata.namespace ?? 'default';
  if (el.spec?.triggerGroups?.length || el.spec?.labelSelector || el.spec?.namespaceSelector) {
    throw new Error(`EventListener ${listener} selects triggers by label or uses triggerGroups; only inline triggers can be simulated`);
  }
  const contentType = headerMap(delivery.headers).get('Content-Type')?.[0];
  if (contentType === 'application/x-www-form-urlencoded') {
    // The sink turns such a body into JSON (Go's url.ParseQuery) before the interceptors see it.
    throw new Error('a form-encoded body (Content-Type: application/x-www-form-urlencoded) is rewritten by the sink before its interceptors run; this is not simulated');
  }
  const url = delivery.url ?? '/';
  const request: WebhookRequest = { requestURL: url, headers: delivery.headers, body: parseBody(delivery.body) };
  const triggers: TriggerResult[] = [];
  for (const [index, trigger] of (el.spec?.triggers ?? []).entries()) {
    const triggerName: string = trigger.name ?? trigger.triggerRef ?? String(index);
    if (trigger.triggerRef) throw new Error(`trigger ${triggerName} refers to a Trigger object; only inline triggers can be simulated`);
    const steps: InterceptorStep[] = [];
    let extensions: { [key: string]: unknown } = {};
    let stopped = false;
    for (const interceptor of trigger.interceptors ?? []) {
      const kind = interceptor.ref?.kind ?? 'ClusterInterceptor';
      const refName = interceptor.ref?.name;
      const name = interceptor.name ?? refName ?? 'webhook';
      let step: InterceptorStep;
      if (kind === 'ClusterInterceptor' && refName === 'cel') {
        step = celStep(name, 'ClusterInterceptor/cel', interceptor, request, secrets, extensions);
      } else if (kind === 'NamespacedInterceptor' && refName) {
        const object = find(objects, 'Interceptor', namespace, refName);
        if (!object) throw new Error(`Interceptor ${namespace}/${refName} (trigger ${triggerName}) is not in the manifests`);
        step = namespacedInterceptorStep(name, objects, object, { ...delivery, url }, secrets);
      } else {
        throw new Error(`interceptor ${name} (${kind} ${refName ?? 'webhook'}) of trigger ${triggerName} cannot be simulated; simulated are the cel ClusterInterceptor and Node interceptors served from the same manifests`);
      }
      steps.push(step);
      if (!step.continue) {
        stopped = true;
        break;
      }
      extensions = { ...extensions, ...(step.extensions ?? {}) };
    }
    if (stopped) {
      triggers.push({ trigger: triggerName, accepted: false, interceptors: steps, resources: [] });
      continue;
    }
    try {
      const params: { [name: string]: string } = {};
      for (const ref of trigger.bindings ?? []) {
        let resolved: { [name: string]: string };
        if (ref.ref) {
          const bindingKind = ref.kind ?? 'TriggerBinding';
          const binding = bindingKind === 'ClusterTriggerBinding' ? find(objects, 'ClusterTriggerBinding', undefined, ref.ref) : find(objects, 'TriggerBinding', namespace, ref.ref);
          if (!binding) throw new Error(`${bindingKind} ${ref.ref} is not in the manifests`);
          resolved = resolveBinding(binding, request, extensions);
        } else {
          resolved = resolveBinding({ spec: { params: [{ name: ref.name, value: ref.value }] } }, request, extensions);
        }
        for (const [k, v] of Object.entries(resolved)) {
          if (k in params) throw new Error(`duplicate binding param ${k}`);
          params[k] = v;
        }
      }
      const templateRef = trigger.template?.ref ?? trigger.template?.name;
      const template = trigger.template?.spec ? { metadata: { name: triggerName }, spec: trigger.template.spec } : find(objects, 'TriggerTemplate', namespace, templateRef);
      if (!template) throw new Error(`TriggerTemplate ${templateRef} is not in the manifests`);
      const resources = instantiateTemplate(template, params).map((resource: Obj) => {
        const uidFree = JSON.parse(JSON.stringify(resource));
        return {
          ...uidFree,
          metadata: {
            ...uidFree.metadata,
            namespace: uidFree.metadata?.namespace || namespace,
            labels: {
              ...(uidFree.metadata?.labels ?? {}),
              'triggers.tekton.dev/eventlistener': el.metadata.name,
              'triggers.tekton.dev/trigger': triggerName,
              'triggers.tekton.dev/triggers-eventid': eventId,
            },
          },
        };
      });
      triggers.push({ trigger: triggerName, accepted: true, interceptors: steps, params, resources });
    } catch (error) {
      triggers.push({ trigger: triggerName, accepted: false, interceptors: steps, error: (error as Error).message, resources: [] });
    }
  }
  return { listener: el.metadata.name, namespace, accepted: triggers.some((t) => t.resources.length > 0), triggers };
}
