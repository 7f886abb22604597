/**
 * Phase 3 of `simulate`: a trigger's interceptors, run in order on one delivery as an
 * EventListener of Tekton Triggers v0.37.0 runs them.
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
import { evaluateCel, headerMap, SecretStore, secretValue, WebhookRequest } from './triggers-cel';
import { Delivery, findObject, SIMULATED_EVENT_ID, TriggerScope } from './trigger-scope';
import { field, iterableOrEmpty, JsonObject, member, textOf } from '../foundation/json-value';
import { effectiveNamespace } from '../foundation/namespaces';

/** SHA-256 of the interceptor programs this library ships: the only ones simulate runs. */
const SHIPPED_PROGRAMS: ReadonlySet<string> = new Set([createHash('sha256').update(GOGS_SIGNATURE_SCRIPT).digest('hex')]);

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

const GRPC_CODES: { [code: number]: string } = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  16: 'UNAUTHENTICATED',
};

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

function celStep(
  name: string,
  ref: string,
  interceptor: JsonObject,
  request: WebhookRequest,
  secrets: SecretStore,
  extensions: { [key: string]: unknown },
): InterceptorStep {
  const param = (n: string) => ((interceptor.params ?? []) as unknown[]).find((p) => member(p, 'name') === n) as JsonObject | undefined;
  // Param values are taken as the cel interceptor reads them: a filter string, a list of overlays.
  const filter = param('filter')?.value as string | undefined;
  const overlays = (param('overlays')?.value ?? []) as { key: string; expression: string }[];
  if (request.body === undefined)
    return { name, ref, continue: false, reason: 'the body is not JSON: the cel interceptor cannot parse it' };
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
          return {
            name,
            ref,
            continue: false,
            reason: `filter clause \`${clause}\` fails: ${(error as Error).message.replace(`CEL error in ${clause}: `, '')}`,
          };
        }
        if (value !== true) return { name, ref, continue: false, reason: `filter clause \`${clause}\` is ${JSON.stringify(value)}` };
      }
      return {
        name,
        ref,
        continue: false,
        reason: failure !== undefined ? `filter error: ${failure}` : `filter \`${filter}\` is ${JSON.stringify(out)}`,
      };
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
function interceptorProgram(
  objects: readonly unknown[],
  interceptor: JsonObject,
): { program: string; env: { [name: string]: string }; secretFiles: Map<string, { secret: string; key: string }> } {
  const interceptorName = textOf(member(interceptor.metadata, 'name'));
  // Namespaces and names are used as written (the schema rule reports ones that are not strings).
  const namespace = effectiveNamespace(member(interceptor.metadata, 'namespace'));
  const serviceRef = field(interceptor.spec, 'clientConfig', 'service');
  if (!serviceRef)
    throw new Error(
      `Interceptor ${namespace}/${interceptorName} has no clientConfig.service in the manifests; only an interceptor served by a workload of the same file can be simulated`,
    );
  const serviceNamespace = (member(serviceRef, 'namespace') ?? namespace) as string;
  const service = findObject(objects, 'Service', serviceNamespace, member(serviceRef, 'name') as string);
  if (!service)
    throw new Error(
      `Service ${serviceNamespace}/${textOf(member(serviceRef, 'name'))} of Interceptor ${interceptorName} is not in the manifests`,
    );
  const selector = (field(service.spec, 'selector') ?? {}) as { [k: string]: unknown };
  const workload = objects.find(
    (o) =>
      ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(field(o, 'kind') as string) &&
      effectiveNamespace(field(o, 'metadata', 'namespace')) === effectiveNamespace(member(service.metadata, 'namespace')) &&
      Object.keys(selector).length > 0 &&
      Object.entries(selector).every(([k, v]) => field(o, 'spec', 'template', 'metadata', 'labels', k) === v),
  ) as JsonObject | undefined;
  if (!workload) throw new Error(`no workload in the manifests is selected by Service ${textOf(member(service.metadata, 'name'))}`);
  const workloadName = () => `${textOf(workload.kind)} ${textOf(member(workload.metadata, 'name'))}`;
  const pod = member(member(workload.spec, 'template'), 'spec');
  const container = member(member(pod, 'containers'), '0');
  const command = [...iterableOrEmpty(member(container, 'command')), ...iterableOrEmpty(member(container, 'args'))];
  if (command[0] !== 'node' || command.length !== 2)
    throw new Error(`${workloadName()} does not run \`node <program>\`; only such interceptors can be simulated`);
  const volumes = new Map<unknown, unknown>(((member(pod, 'volumes') ?? []) as unknown[]).map((v) => [member(v, 'name'), v]));
  // A file path -> the volume source and key it comes from.
  const fileSource = (path: string): { volume: unknown; key: unknown } | undefined => {
    for (const mount of iterableOrEmpty(member(container, 'volumeMounts'))) {
      const dir = textOf(member(mount, 'mountPath')).replace(/\/$/, '');
      if (!path.startsWith(`${dir}/`)) continue;
      const volume = volumes.get(member(mount, 'name'));
      const file = path.slice(dir.length + 1);
      const source = field(volume, 'configMap') ?? field(volume, 'secret');
      if (!source) continue;
      const item = ((member(source, 'items') ?? []) as unknown[]).find((i) => member(i, 'path') === file);
      if (member(source, 'items') && !item) continue;
      return { volume, key: item ? member(item, 'key') : file };
    }
    return undefined;
  };
  const programFile = command[1] as string; // as written: a non-string fails in fileSource, as it did
  const programSource = fileSource(programFile);
  const programConfigMap = field(programSource?.volume, 'configMap');
  if (!programSource || !programConfigMap)
    throw new Error(`the program ${textOf(programFile)} of ${workloadName()} is not mounted from a ConfigMap`);
  const configMap = findObject(
    objects,
    'ConfigMap',
    effectiveNamespace(member(workload.metadata, 'namespace')),
    member(programConfigMap, 'name') as string,
  );
  const program = field(configMap, 'data', programSource.key as string);
  if (typeof program !== 'string')
    throw new Error(`ConfigMap ${textOf(member(programConfigMap, 'name'))} has no key ${textOf(programSource.key)}`);
  const env: { [name: string]: string } = {};
  for (const e of iterableOrEmpty(member(container, 'env'))) {
    const value = member(e, 'value');
    if (typeof value === 'string') env[member(e, 'name') as string] = value;
  }
  const secretFiles = new Map<string, { secret: string; key: string }>();
  for (const mount of iterableOrEmpty(member(container, 'volumeMounts'))) {
    const secret = field(volumes.get(member(mount, 'name')), 'secret');
    if (!secret) continue;
    const dir = textOf(member(mount, 'mountPath')).replace(/\/$/, '');
    for (const item of iterableOrEmpty(member(secret, 'items'))) {
      secretFiles.set(`${dir}/${textOf(member(item, 'path'))}`, {
        secret: member(secret, 'secretName') as string,
        key: member(item, 'key') as string,
      });
    }
  }
  return { program, env, secretFiles };
}

function namespacedInterceptorStep(
  name: string,
  objects: readonly unknown[],
  interceptor: JsonObject,
  delivery: Delivery,
  secrets: SecretStore,
): InterceptorStep {
  const interceptorName = textOf(member(interceptor.metadata, 'name'));
  const ref = `Interceptor/${effectiveNamespace(member(interceptor.metadata, 'namespace'))}/${interceptorName}`;
  const { program, env, secretFiles } = interceptorProgram(objects, interceptor);
  const missing: string[] = [];
  const fs = {
    readFileSync(path: string) {
      const source = secretFiles.get(path);
      const value = source ? secretValue(secrets, source.secret, source.key) : undefined;
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
    'node:http': {
      createServer: () => ({
        listen() {
          /* not served: only decide() is called */
        },
        close() {
          /* nothing to close */
        },
      }),
    },
  };
  const sandbox: { [key: string]: unknown } = {
    require: (id: string) => {
      if (!(id in modules)) throw new Error(`the interceptor program requires ${id}, which the simulation does not provide`);
      return modules[id];
    },
    process: {
      env,
      on() {
        /* no signals here */
      },
      exit() {
        /* never exits */
      },
    },
    console: {
      log() {
        /* quiet */
      },
      error() {
        /* quiet */
      },
    },
    Buffer,
  };
  // A manifest is input, not code to trust: node:vm is no security boundary, so only a program
  // this library ships (byte for byte) is run; any other text is refused, never executed.
  if (!SHIPPED_PROGRAMS.has(createHash('sha256').update(program).digest('hex'))) {
    throw new Error(
      `the program of Interceptor ${interceptorName} is not one this library ships; simulate runs only known programs (a manifest's code is never executed)`,
    );
  }
  runInNewContext(program, sandbox, { filename: `${interceptorName}/server.js`, timeout: 5000 });
  const decide = sandbox.decide;
  if (typeof decide !== 'function')
    throw new Error(`the program of Interceptor ${interceptorName} has no top-level decide(request) function`);
  // fromEntries makes own properties: a header named `__proto__` stays a header.
  const header = Object.fromEntries(headerMap(delivery.headers));
  const [code, message] = (decide as (request: unknown) => unknown)({
    body: delivery.body,
    header,
    extensions: {},
    interceptor_params: {},
    context: { event_url: delivery.url ?? '/', event_id: SIMULATED_EVENT_ID },
  }) as [number, string];
  if (code === 0) return { name, ref, continue: true };
  const hint = missing.length > 0 ? ` (give the Secret's value with --secret ${missing[0]}=VALUE)` : '';
  return { name, ref, continue: false, reason: `${GRPC_CODES[code] ?? `code ${code}`}: ${message}${hint}` };
}

/**
 * Phase 3 of `simulate`: a trigger's interceptors in order, until one stops the delivery; the extensions they
 * added. Throws for an interceptor this simulation cannot run.
 */
export function runInterceptors(
  scope: TriggerScope,
  trigger: unknown,
  triggerName: string,
): { steps: InterceptorStep[]; extensions: { [key: string]: unknown }; stopped: boolean } {
  const { objects, namespace, request, delivery, secrets } = scope;
  const steps: InterceptorStep[] = [];
  let extensions: { [key: string]: unknown } = {};
  for (const interceptor of iterableOrEmpty(member(trigger, 'interceptors'))) {
    const kind = field(member(interceptor, 'ref'), 'kind') ?? 'ClusterInterceptor';
    const refName = field(member(interceptor, 'ref'), 'name');
    const name = (member(interceptor, 'name') ?? refName ?? 'webhook') as string;
    let step: InterceptorStep;
    if (kind === 'ClusterInterceptor' && refName === 'cel') {
      step = celStep(name, 'ClusterInterceptor/cel', interceptor as JsonObject, request, secrets, extensions);
    } else if (kind === 'NamespacedInterceptor' && refName) {
      const object = findObject(objects, 'Interceptor', namespace, refName as string);
      if (!object) throw new Error(`Interceptor ${namespace}/${textOf(refName)} (trigger ${triggerName}) is not in the manifests`);
      step = namespacedInterceptorStep(name, objects, object, { ...delivery, url: request.requestURL }, secrets);
    } else {
      throw new Error(
        `interceptor ${name} (${textOf(kind)} ${textOf(refName ?? 'webhook')}) of trigger ${triggerName} cannot be simulated; simulated are the cel ClusterInterceptor and Node interceptors served from the same manifests`,
      );
    }
    steps.push(step);
    if (!step.continue) return { steps, extensions, stopped: true };
    extensions = { ...extensions, ...(step.extensions ?? {}) };
  }
  return { steps, extensions, stopped: false };
}
