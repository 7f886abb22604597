/**
 * Rules on a namespace's ResourceQuotas against the pods the output runs
 * there (quotas with `scopes` or a `scopeSelector` count only some pods and
 * are skipped):
 *
 * - `quota-missing-resource` (error): a quota that tracks cpu or memory
 *   (`requests.cpu`, `cpu`, `limits.memory`, ...) makes the API server refuse
 *   every pod with a container that has no such request or limit, after
 *   LimitRange defaults ("must specify limits.cpu").
 * - `quota-exceeded` (error): the pods' requests, limits or count add up
 *   to more than a `hard` value, so some pods are refused. The sum is a lower
 *   bound of what runs at once: each pod template counted with its replicas
 *   (Job parallelism; a CronJob's one Job; a DaemonSet's pod on one node),
 *   LimitRange and Tekton defaults applied, a pod's init containers counted
 *   as the larger of their largest request and the sum of the other
 *   containers, plus the largest TaskRun pod of the namespace's Task specs
 *   once (at least one run at a time). Rolling-update surge pods, Tekton's
 *   own init containers and pods made by controllers outside the output are
 *   not counted.
 */
import {
  addQuantities,
  canonical,
  compareQuantities,
  ExactQuantity,
  isNegative,
  maxQuantity,
  parseQuantity,
  scaleQuantity,
  ZERO,
} from '../../../util/exact-quantity';
import { field, isObject, textOf } from '../../foundation/json-value';
import { ManifestObject } from '../../foundation/manifest';
import { LimitRangeItem } from '../limit-ranges';
import {
  effectiveLimit,
  effectiveRequest,
  limitsFor,
  PodShape,
  podShapes,
  podsOf,
  ResourceContainer,
  shapeName,
} from '../resource-containers';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

type Side = 'request' | 'limit';

/** The quota keys that track the compute resources of pods, and what each sums. */
const TRACKED: Record<string, { resource: string; side: Side }> = {
  cpu: { resource: 'cpu', side: 'request' },
  'requests.cpu': { resource: 'cpu', side: 'request' },
  'limits.cpu': { resource: 'cpu', side: 'limit' },
  memory: { resource: 'memory', side: 'request' },
  'requests.memory': { resource: 'memory', side: 'request' },
  'limits.memory': { resource: 'memory', side: 'limit' },
  'ephemeral-storage': { resource: 'ephemeral-storage', side: 'request' },
  'requests.ephemeral-storage': { resource: 'ephemeral-storage', side: 'request' },
  'limits.ephemeral-storage': { resource: 'ephemeral-storage', side: 'limit' },
};

/** Keys for which the quota admission plugin requires every container to state the value (cpu and memory only). */
const REQUIRED_OF_EVERY_CONTAINER = new Set(['cpu', 'requests.cpu', 'limits.cpu', 'memory', 'requests.memory', 'limits.memory']);

function effective(
  container: ResourceContainer,
  resource: string,
  side: Side,
  limits: readonly LimitRangeItem[],
  steps: number,
): ExactQuantity | undefined {
  const value = side === 'request' ? effectiveRequest(container, resource, limits, steps) : effectiveLimit(container, resource, limits);
  return value?.quantity;
}

/** What one pod of a shape counts against a quota: max(sum of its containers, its largest init container). */
function podAmount(ctx: RuleContext, shape: PodShape, resource: string, side: Side): ExactQuantity {
  const limits = limitsFor(ctx, shape);
  let containers = ZERO;
  let init = ZERO;
  for (const container of shape.containers) {
    if (container.role === 'ephemeral container') continue;
    const amount = effective(container, resource, side, limits, shape.steps) ?? ZERO;
    if (container.role === 'init container') init = maxQuantity(init, amount);
    else containers = addQuantities(containers, amount);
  }
  return maxQuantity(containers, init);
}

interface Contribution {
  readonly shape: PodShape;
  /** What one pod counts. */
  readonly each: ExactQuantity;
  /** `each` times the replicas (the largest Task pod: once). */
  readonly amount: ExactQuantity;
}

const ONE_POD: ExactQuantity = { num: 1n, den: 1n, text: '1' };

/** Sums a namespace's pods for one quota key: the pod templates with their replicas, plus the largest Task pod. */
function total(ctx: RuleContext, shapes: readonly PodShape[], key: string): { sum: ExactQuantity; parts: Contribution[] } {
  const tracked = TRACKED[key];
  const parts: Contribution[] = [];
  let sum = ZERO;
  let largestTask: Contribution | undefined;
  for (const shape of shapes) {
    const each = tracked ? podAmount(ctx, shape, tracked.resource, tracked.side) : ONE_POD;
    if (shape.source === 'task') {
      if (!largestTask || compareQuantities(each, largestTask.amount) > 0) largestTask = { shape, each, amount: each };
      continue;
    }
    if (shape.replicas === 0 || each.num === 0n) continue;
    const amount = scaleQuantity(each, shape.replicas);
    sum = addQuantities(sum, amount);
    parts.push({ shape, each, amount });
  }
  if (largestTask && largestTask.amount.num !== 0n) {
    sum = addQuantities(sum, largestTask.amount);
    parts.push(largestTask);
  }
  return { sum, parts };
}

/** The largest contributions first: `3 × Deployment/web (500m each)`, `Task/kaniko (largest TaskRun pod, 2)`. */
function describeParts(parts: readonly Contribution[], resource: string | undefined): string {
  const sorted = [...parts].sort((a, b) => compareQuantities(b.amount, a.amount));
  const shown = sorted.slice(0, 4).map(({ shape, each }) => {
    const amount = resource ? canonical(each, resource).text : '';
    if (shape.source === 'task') return `${shapeName(shape)} (largest TaskRun pod${resource ? `, ${amount}` : ''})`;
    if (shape.replicas === 1) return `${shapeName(shape)}${resource ? ` ${amount}` : ''}`;
    return `${shape.replicas} × ${shapeName(shape)}${resource ? ` (${amount} each)` : ''}`;
  });
  if (sorted.length > 4) shown.push(`${sorted.length - 4} more`);
  return shown.join(', ');
}

function checkMissing(ctx: RuleContext, quota: ManifestObject, required: readonly string[], shapes: readonly PodShape[]): void {
  const name = textOf(field(quota.object.metadata, 'name') ?? '');
  for (const shape of shapes) {
    const limits = limitsFor(ctx, shape);
    const seen = new Set<string>();
    for (const container of shape.containers) {
      if (container.role === 'ephemeral container') continue;
      const missing = required.filter((key) => {
        // `required` keeps only REQUIRED_OF_EVERY_CONTAINER keys, all of them tracked
        const { resource, side } = TRACKED[key]!;
        // A stated but negative or unparsable value is another rule's finding, not a missing one.
        const stated = container.limits.has(resource) || (side === 'request' && container.requests.has(resource));
        return !stated && effective(container, resource, side, limits, shape.steps) === undefined;
      });
      const key = container.resourcesPath.join('\u0000');
      if (missing.length === 0 || seen.has(key)) continue;
      seen.add(key);
      const what = [...new Set(missing.map((k) => `${TRACKED[k]!.resource} ${TRACKED[k]!.side}`))].join(', ');
      ctx.report(
        shape.item,
        container.resourcesPath,
        'quota-missing-resource',
        'error',
        `${container.label} has no ${what} (none of its own, and no LimitRange default in namespace "${ctx.namespaceOf(shape.item)}"), ` +
          `but ResourceQuota "${name}" tracks ${missing.join(', ')}; the API server refuses ${podsOf(shape)} ("must specify ${missing.join(',')}")`,
      );
    }
  }
}

function checkQuota(ctx: RuleContext, quota: ManifestObject, shapes: readonly PodShape[]): void {
  const spec = isObject(quota.object.spec) ? quota.object.spec : {};
  if ((Array.isArray(spec.scopes) && spec.scopes.length > 0) || isObject(spec.scopeSelector) || !isObject(spec.hard)) return;
  const hard = Object.entries(spec.hard)
    .map(([key, raw]) => ({ key, quantity: parseQuantity(raw) }))
    .filter((h): h is { key: string; quantity: ExactQuantity } => h.quantity !== undefined && !isNegative(h.quantity));
  const required = hard.map((h) => h.key).filter((key) => REQUIRED_OF_EVERY_CONTAINER.has(key));
  if (required.length > 0) checkMissing(ctx, quota, required, shapes);
  const namespace = ctx.namespaceOf(quota);
  const name = textOf(field(quota.object.metadata, 'name') ?? '');
  for (const { key, quantity } of hard) {
    if (!(key in TRACKED) && key !== 'pods') continue;
    const { sum, parts } = total(ctx, shapes, key);
    if (compareQuantities(sum, quantity) <= 0) continue;
    const tracked = TRACKED[key];
    const resource = tracked?.resource;
    const text = canonical(sum, resource ?? 'pods').text;
    const what = tracked
      ? `${tracked.side === 'request' ? 'request' : 'have limits of'} ${text} ${resource} in total`
      : `run ${text} pods at once`;
    ctx.report(
      quota,
      ['spec', 'hard', key],
      'quota-exceeded',
      'error',
      `the pods of namespace "${namespace}" in the output ${what} (${describeParts(parts, resource)}), more than ResourceQuota "${name}" hard ${key} ${quantity.text}; ` +
        'the API server refuses the pods that do not fit ("exceeded quota")',
    );
  }
}

export function checkQuotas(ctx: RuleContext): void {
  const quotas = ctx.ofKind('', 'ResourceQuota');
  if (quotas.length === 0) return;
  const byNamespace = new Map<string, PodShape[]>();
  for (const shape of podShapes(ctx)) {
    const namespace = ctx.namespaceOf(shape.item);
    const list = byNamespace.get(namespace) ?? [];
    list.push(shape);
    byNamespace.set(namespace, list);
  }
  for (const quota of quotas) checkQuota(ctx, quota, byNamespace.get(ctx.namespaceOf(quota)) ?? []);
}

export const quotaRule: RuleDefinition = {
  id: 'quotas',
  summary: "a namespace's pods fit its ResourceQuotas",
  codes: [
    {
      code: 'quota-missing-resource',
      severity: 'error',
      summary: 'a container left without the cpu/memory request or limit a ResourceQuota tracks, even after LimitRange defaults',
    },
    {
      code: 'quota-exceeded',
      severity: 'error',
      summary:
        "a namespace's pods (replicas counted, defaults applied, plus its largest Tekton Task pod) adding up to more than the quota's hard values",
    },
  ],
  check: checkQuotas,
};
