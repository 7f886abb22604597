/**
 * What an EventListener of Tekton Triggers v0.37.0 does with one delivery, offline: run each
 * trigger's interceptors in order (interceptors.ts), resolve its bindings, instantiate its
 * template and label the result as the sink does before creating it. The real sink (tools/cluster,
 * test/cluster/simulate-vs-sink) is the oracle this is measured against.
 */
import { headerMap, SecretStore, WebhookRequest } from './triggers-cel';
import { instantiateTemplate, resolveBinding } from './trigger-resolution';
import { InterceptorStep, runInterceptors } from './interceptors';
import { Delivery, findObject, SIMULATED_EVENT_ID, TriggerScope } from './trigger-scope';
import { field, iterableOrEmpty, JsonObject, lengthOf, member, textOf } from '../foundation/json-value';
import { effectiveNamespace } from '../foundation/namespaces';

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
  readonly resources: readonly JsonObject[];
}

export interface SimulationResult {
  readonly listener: string;
  readonly namespace: string;
  /** True when at least one trigger creates resources. */
  readonly accepted: boolean;
  readonly triggers: readonly TriggerResult[];
}

/** Parses a JSON body as Go's encoding/json would for the cel interceptor; undefined when it is not JSON. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Phase 1: the EventListener `listener` (`NAME` or `NAMESPACE/NAME`) of `objects`; throws when there is not exactly one. */
function findListener(objects: readonly unknown[], listener: string): JsonObject {
  const [nsPart, namePart] = listener.includes('/') ? listener.split('/', 2) : [undefined, listener];
  const matches = objects.filter(
    (o) =>
      field(o, 'kind') === 'EventListener' &&
      field(o, 'metadata', 'name') === namePart &&
      (nsPart === undefined || effectiveNamespace(field(o, 'metadata', 'namespace')) === nsPart),
  );
  if (matches.length === 0) {
    const known = objects
      .filter((o) => field(o, 'kind') === 'EventListener')
      .map((o) => `${effectiveNamespace(member(member(o, 'metadata'), 'namespace'))}/${textOf(member(member(o, 'metadata'), 'name'))}`);
    throw new Error(`no EventListener ${listener} in the manifests${known.length ? `; they have ${known.join(', ')}` : ''}`);
  }
  if (matches.length > 1) throw new Error(`EventListener ${listener} is in several namespaces; name it as NAMESPACE/NAME`);
  return matches[0] as JsonObject; // it has a kind, so it is a mapping
}

/**
 * Phase 2: the request as the listener's interceptors see it; throws when the listener or the
 * delivery is one this simulation does not cover (triggers selected by label, a form-encoded body).
 */
function webhookRequest(el: JsonObject, listener: string, delivery: Delivery): WebhookRequest {
  if (lengthOf(field(el.spec, 'triggerGroups')) || field(el.spec, 'labelSelector') || field(el.spec, 'namespaceSelector')) {
    throw new Error(`EventListener ${listener} selects triggers by label or uses triggerGroups; only inline triggers can be simulated`);
  }
  const contentType = headerMap(delivery.headers).get('Content-Type')?.[0];
  if (contentType === 'application/x-www-form-urlencoded') {
    // The sink turns such a body into JSON (Go's url.ParseQuery) before the interceptors see it.
    throw new Error(
      'a form-encoded body (Content-Type: application/x-www-form-urlencoded) is rewritten by the sink before its interceptors run; this is not simulated',
    );
  }
  return { requestURL: delivery.url ?? '/', headers: delivery.headers, body: parseBody(delivery.body) };
}

/** Phase 4: the params a trigger's bindings (TriggerBinding, ClusterTriggerBinding or inline) resolve to. */
function bindingParams(scope: TriggerScope, trigger: unknown, extensions: { [key: string]: unknown }): { [name: string]: string } {
  const { objects, namespace, request } = scope;
  const params = Object.create(null) as { [name: string]: string }; // `constructor` is a param name like any other
  for (const ref of iterableOrEmpty(member(trigger, 'bindings'))) {
    let resolved: { [name: string]: string };
    const refRef = member(ref, 'ref');
    if (refRef) {
      const bindingKind = textOf(member(ref, 'kind') ?? 'TriggerBinding');
      const binding =
        bindingKind === 'ClusterTriggerBinding'
          ? findObject(objects, 'ClusterTriggerBinding', undefined, refRef as string)
          : findObject(objects, 'TriggerBinding', namespace, refRef as string);
      if (!binding) throw new Error(`${bindingKind} ${textOf(refRef)} is not in the manifests`);
      resolved = resolveBinding(binding, request, extensions);
    } else {
      resolved = resolveBinding({ spec: { params: [{ name: member(ref, 'name'), value: member(ref, 'value') }] } }, request, extensions);
    }
    for (const [k, v] of Object.entries(resolved)) {
      if (Object.hasOwn(params, k)) throw new Error(`duplicate binding param ${k}`);
      params[k] = v;
    }
  }
  return params;
}

/** Phase 5: the objects a trigger's template creates from `params`, labelled as the sink labels them. */
function createdResources(
  scope: TriggerScope,
  el: JsonObject,
  trigger: unknown,
  triggerName: string,
  params: { [name: string]: string },
  eventId: string,
): JsonObject[] {
  const { objects, namespace } = scope;
  const triggerTemplate = member(trigger, 'template');
  const templateRef = field(triggerTemplate, 'ref') ?? field(triggerTemplate, 'name');
  const inlineSpec = field(triggerTemplate, 'spec');
  const template = inlineSpec
    ? { metadata: { name: triggerName }, spec: inlineSpec }
    : findObject(objects, 'TriggerTemplate', namespace, templateRef as string);
  if (!template) throw new Error(`TriggerTemplate ${textOf(templateRef)} is not in the manifests`);
  return instantiateTemplate(template, params).map((resource): JsonObject => {
    // As the sink copies it; a template that is not a mapping is spread as written, as it was.
    const uidFree = JSON.parse(JSON.stringify(resource)) as JsonObject;
    return {
      ...uidFree,
      metadata: {
        ...(uidFree.metadata as object | undefined),
        namespace: field(uidFree.metadata, 'namespace') || namespace,
        labels: {
          ...((field(uidFree.metadata, 'labels') ?? {}) as object),
          'triggers.tekton.dev/eventlistener': member(el.metadata, 'name'),
          'triggers.tekton.dev/trigger': triggerName,
          'triggers.tekton.dev/triggers-eventid': eventId,
        },
      },
    };
  });
}

/** One trigger of the listener: its interceptors (phase 3), then its bindings (4) and template (5) when they let it through. */
function simulateTrigger(scope: TriggerScope, el: JsonObject, trigger: unknown, index: number, eventId: string): TriggerResult {
  const triggerName = (member(trigger, 'name') ?? member(trigger, 'triggerRef') ?? String(index)) as string;
  if (member(trigger, 'triggerRef'))
    throw new Error(`trigger ${triggerName} refers to a Trigger object; only inline triggers can be simulated`);
  const { steps, extensions, stopped } = runInterceptors(scope, trigger, triggerName);
  if (stopped) return { trigger: triggerName, accepted: false, interceptors: steps, resources: [] };
  try {
    const params = bindingParams(scope, trigger, extensions);
    const resources = createdResources(scope, el, trigger, triggerName, params, eventId);
    return { trigger: triggerName, accepted: true, interceptors: steps, params, resources };
  } catch (error) {
    return { trigger: triggerName, accepted: false, interceptors: steps, error: (error as Error).message, resources: [] };
  }
}

/** Simulates one delivery to the EventListener `listener` of `objects` (the manifests). */
export function simulate(
  objects: readonly unknown[],
  listener: string,
  delivery: Delivery,
  secrets: SecretStore = {},
  eventId = SIMULATED_EVENT_ID,
): SimulationResult {
  const el = findListener(objects, listener);
  // Names are used as written (the sink reads them as strings; the schema rule reports other types).
  const namespace = effectiveNamespace(member(el.metadata, 'namespace'));
  const request = webhookRequest(el, listener, delivery);
  const scope: TriggerScope = { objects, namespace, request, delivery, secrets };
  const triggers = ((field(el.spec, 'triggers') ?? []) as unknown[]).map((trigger, index) =>
    simulateTrigger(scope, el, trigger, index, eventId),
  );
  return { listener: member(el.metadata, 'name') as string, namespace, accepted: triggers.some((t) => t.resources.length > 0), triggers };
}
