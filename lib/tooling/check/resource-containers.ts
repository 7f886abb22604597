/**
 * The resource requirements of every container the output will run: the
 * containers of pod templates (Pods, workloads, CronJobs) and the steps and
 * sidecars of Tekton Task specs (which become the containers of a TaskRun's
 * pod), with what the API server and Tekton add from LimitRanges.
 *
 * A step's requests and limits are its own merged over `stepTemplate`'s,
 * resource by resource (Tekton merges the template into each step).
 */
import { apiGroup } from '../foundation/cluster-scoped-kinds';
import { ceilToUnits, ExactQuantity, fromUnits, isNegative, maxQuantity, parseQuantity } from '../../util/exact-quantity';
import { PathSegment } from '../foundation/field-path';
import { field, isObject, objectField, textOf } from '../foundation/json-value';
import { KubeObject, ManifestObject } from '../foundation/manifest';
import { containerLimits, LimitRangeItem, LimitValue } from './limit-ranges';
import { CONTAINER_LISTS, containersOf } from '../foundation/pod-templates';
import { RuleContext } from './rule-context';
import { stepResourcesField, taskSpecsOf } from './task-specs';

/** The resources whose requests and limits the rules compare. */
export const COMPUTE_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
export type ComputeResource = (typeof COMPUTE_RESOURCES)[number];

/** A request or limit as written: raw value, path, and the quantity when it is a non-negative one. */
export interface StatedValue {
  readonly raw: unknown;
  readonly path: PathSegment[];
  readonly quantity?: ExactQuantity;
}

export type ContainerRole = 'container' | 'init container' | 'ephemeral container' | 'step' | 'sidecar';

export interface ResourceContainer {
  readonly role: ContainerRole;
  /** For messages: `container "web"`, `step "build"`. */
  readonly label: string;
  /** Path of its resource requirements (`resources`, or a step's `computeResources`), present or not. */
  readonly resourcesPath: PathSegment[];
  /** Own requests and limits by resource name (a step's include what it inherits from stepTemplate). */
  readonly requests: ReadonlyMap<string, StatedValue>;
  readonly limits: ReadonlyMap<string, StatedValue>;
}

/** The containers of one pod the output makes (a pod template), or of every TaskRun pod of one Task spec. */
export interface PodShape {
  readonly item: ManifestObject;
  readonly source: 'pod' | 'task';
  readonly containers: readonly ResourceContainer[];
  /** Tekton steps in the pod (Tekton shares the LimitRange defaultRequest among them); 0 for pod templates. */
  readonly steps: number;
  /** Pods of this template running at once (replicas, Job parallelism); 1 for a Task spec (one run). */
  readonly replicas: number;
}

/** Requests or limits of a resource-requirements block, by resource name. */
function statedValues(
  block: unknown,
  at: readonly PathSegment[],
  field: 'requests' | 'limits',
  into = new Map<string, StatedValue>(),
): Map<string, StatedValue> {
  const list = isObject(block) ? block[field] : undefined;
  if (!isObject(list)) return into;
  for (const [resource, raw] of Object.entries(list)) {
    const quantity = parseQuantity(raw);
    into.set(resource, { raw, path: [...at, field, resource], quantity: quantity && !isNegative(quantity) ? quantity : undefined });
  }
  return into;
}

const ROLE_OF_LIST: Record<(typeof CONTAINER_LISTS)[number], ContainerRole> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** A whole count from a field, or the fallback. */
function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** How many pods of an object's template run at once. */
function replicasOf(object: KubeObject): number {
  const group = apiGroup(textOf(object.apiVersion ?? ''));
  const kind = textOf(object.kind ?? '');
  const spec = isObject(object.spec) ? object.spec : {};
  const jobPods = (job: KubeObject) => Math.min(count(job.parallelism, 1), count(job.completions, Infinity));
  if (group === '' && kind === 'PodTemplate') return 0;
  if ((group === 'apps' && kind !== 'DaemonSet') || (group === '' && kind === 'ReplicationController')) return count(spec.replicas, 1);
  if (group === 'batch' && kind === 'Job') return jobPods(spec);
  if (group === 'batch' && kind === 'CronJob') return jobPods(objectField(spec.jobTemplate, 'spec') ?? {});
  return 1; // a Pod; a DaemonSet's pod on at least one node
}

function podShapesOf(ctx: RuleContext): PodShape[] {
  const shapes: PodShape[] = ctx.podTemplates().map(({ item, template }) => ({
    item,
    source: 'pod' as const,
    steps: 0,
    replicas: replicasOf(item.object),
    containers: containersOf(template).map(({ container, path, list }) => {
      const at = [...path, 'resources'];
      return {
        role: ROLE_OF_LIST[list],
        label: `${ROLE_OF_LIST[list]} "${String(container.name)}"`,
        resourcesPath: at,
        requests: statedValues(container.resources, at, 'requests'),
        limits: statedValues(container.resources, at, 'limits'),
      };
    }),
  }));
  for (const item of ctx.objects) {
    const field = stepResourcesField(item.object.apiVersion);
    for (const { spec, path } of taskSpecsOf(item.object)) {
      const containers: ResourceContainer[] = [];
      const template = isObject(spec.stepTemplate) ? spec.stepTemplate[field] : undefined;
      const templateAt = [...path, 'stepTemplate', field];
      let steps = 0;
      for (const list of ['steps', 'sidecars'] as const) {
        if (!Array.isArray(spec[list])) continue;
        spec[list].forEach((container: unknown, index: number) => {
          if (!isObject(container)) return;
          const role: ContainerRole = list === 'steps' ? 'step' : 'sidecar';
          const at = [...path, list, index, field];
          const inherited = (kind: 'requests' | 'limits') => (role === 'step' ? statedValues(template, templateAt, kind) : undefined);
          if (role === 'step') steps++;
          containers.push({
            role,
            label: `${role} "${String(container.name)}"`,
            resourcesPath: at,
            requests: statedValues(container[field], at, 'requests', inherited('requests')),
            limits: statedValues(container[field], at, 'limits', inherited('limits')),
          });
        });
      }
      shapes.push({ item, source: 'task', containers, steps, replicas: 1 });
    }
  }
  return shapes;
}

const cache = new WeakMap<RuleContext, PodShape[]>();

/** Every pod shape of the run (pod templates first, then Task specs), computed once per run. */
export function podShapes(ctx: RuleContext): PodShape[] {
  let shapes = cache.get(ctx);
  if (!shapes) {
    shapes = podShapesOf(ctx);
    cache.set(ctx, shapes);
  }
  return shapes;
}

/** Where an effective request or limit comes from. */
export type ValueSource =
  | { readonly kind: 'own'; readonly value: StatedValue }
  /** Pod defaulting: a request equal to the container's own limit. */
  | { readonly kind: 'own-limit'; readonly value: StatedValue }
  /** The LimitRanger admission plugin: a LimitRange default or defaultRequest. */
  | { readonly kind: 'limit-range'; readonly limit: LimitRangeItem; readonly value: LimitValue }
  /** Tekton: the LimitRange defaultRequest shared among the steps (at least the LimitRange min). */
  | { readonly kind: 'tekton-share'; readonly limit: LimitRangeItem; readonly value: LimitValue; readonly steps: number };

export interface EffectiveValue {
  readonly quantity: ExactQuantity;
  readonly source: ValueSource;
}

/** Units Tekton divides in: milli-cores for CPU, whole bytes otherwise (resource.Quantity MilliValue/Value). */
function unitsPerOne(resource: string): bigint {
  return resource === 'cpu' ? 1000n : 1n;
}

/** Tekton's request for a step without one: the defaultRequest divided among the steps, at least the min; none when zero. */
export function tektonStepRequest(limit: LimitRangeItem, resource: string, steps: number): EffectiveValue | undefined {
  const defaultRequest = limit.values.defaultRequest.get(resource);
  const min = limit.values.min.get(resource);
  if (!defaultRequest && !min) return undefined;
  const units = unitsPerOne(resource);
  const shared = defaultRequest
    ? fromUnits(ceilToUnits(defaultRequest.quantity, units) / BigInt(Math.max(steps, 1)), units, resource)
    : undefined;
  const quantity = shared && min ? maxQuantity(shared, min.quantity) : (shared ?? min!.quantity);
  if (quantity.num === 0n) return undefined;
  const value = shared && (!min || quantity === shared) ? defaultRequest! : min!;
  return { quantity, source: { kind: 'tekton-share', limit, value, steps } };
}

/**
 * A container's effective request for a resource once the pod is admitted:
 * its own; for a Tekton step without one, Tekton's share of the
 * defaultRequest; else its own limit (Pod defaulting); else the first
 * LimitRange defaultRequest of the namespace. Undefined when it ends up with none.
 */
export function effectiveRequest(
  container: ResourceContainer,
  resource: string,
  limits: readonly LimitRangeItem[],
  steps: number,
): EffectiveValue | undefined {
  const own = container.requests.get(resource);
  if (own && !own.quantity) return undefined; // negative or not a quantity: reported by other rules
  // Tekton fills in a step's missing (or zero) request before the pod reaches the API server.
  if (container.role === 'step' && (!own || own.quantity?.num === 0n)) {
    for (const limit of limits) {
      const share = tektonStepRequest(limit, resource, steps);
      if (share) return share;
    }
  }
  if (own?.quantity) return { quantity: own.quantity, source: { kind: 'own', value: own } };
  const ownLimit = container.limits.get(resource);
  if (ownLimit?.quantity) return { quantity: ownLimit.quantity, source: { kind: 'own-limit', value: ownLimit } };
  if (ownLimit) return undefined;
  for (const limit of limits) {
    const value = limit.values.defaultRequest.get(resource);
    if (value) return { quantity: value.quantity, source: { kind: 'limit-range', limit, value } };
  }
  return undefined;
}

/** A container's effective limit for a resource: its own, else the first LimitRange default of the namespace. */
export function effectiveLimit(
  container: ResourceContainer,
  resource: string,
  limits: readonly LimitRangeItem[],
): EffectiveValue | undefined {
  const own = container.limits.get(resource);
  if (own?.quantity) return { quantity: own.quantity, source: { kind: 'own', value: own } };
  if (own) return undefined;
  for (const limit of limits) {
    const value = limit.values.default.get(resource);
    if (value) return { quantity: value.quantity, source: { kind: 'limit-range', limit, value } };
  }
  return undefined;
}

/** The namespace's `type: Container` LimitRange items that apply to a pod shape. */
export function limitsFor(ctx: RuleContext, shape: PodShape): LimitRangeItem[] {
  return containerLimits(ctx, ctx.namespaceOf(shape.item));
}

/** Who the API server refuses when a shape's containers are wrong at pod creation: `the pod`, `the pods of this Deployment`, `the TaskRun pods of this Task`. */
export function podsOf(shape: PodShape): string {
  const kind = String(shape.item.object.kind);
  if (shape.source === 'task') return kind === 'TaskRun' ? 'the pod of this TaskRun' : `the TaskRun pods of this ${kind}`;
  return kind === 'Pod' ? 'the pod' : `the pods of this ${kind}`;
}

/** `Deployment/web`, `Task/kaniko`: the object holding the shape, for messages. */
export function shapeName(shape: PodShape): string {
  const name = field(shape.item.object.metadata, 'name') ?? field(shape.item.object.metadata, 'generateName') ?? '';
  return `${textOf(shape.item.object.kind)}/${textOf(name)}`;
}
