/**
 * Rules on the requests and limits of every container the output runs (pod
 * templates, and Tekton steps and sidecars), for cpu, memory and ephemeral-storage:
 *
 * - `resources-request-over-limit`: a container requests more than its own
 *   limit. The API server refuses the object ("must be less than or equal to
 *   cpu limit"); for a Tekton Task, it refuses the TaskRun pods.
 * - `limit-range-default-below-request`: LimitRange defaulting leaves a
 *   container with a request above its limit. A container that requests a
 *   resource without a limit gets the LimitRange `default` as its limit
 *   (LimitRanger admission); when that is below the request, the API server
 *   refuses the pod. Mirror case for Tekton: a step with a limit but no
 *   request gets the LimitRange `defaultRequest` divided among the steps (at
 *   least the `min`) from Tekton, which may be above the limit.
 *
 * A container with neither gets `defaultRequest` and `default` of the same
 * LimitRange; when those are out of order the LimitRange itself is refused
 * (rule `limit-range-inconsistent`). Negative or unparsable values are left
 * to other rules.
 */
import { compareQuantities } from '../../../util/exact-quantity';
import { PathSegment } from '../field-path';
import { describeLimit } from '../limit-ranges';
import {
  COMPUTE_RESOURCES,
  limitsFor,
  PodShape,
  podShapes,
  podsOf,
  ResourceContainer,
  StatedValue,
  tektonStepRequest,
} from '../resource-containers';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** ` (from stepTemplate)` when a step inherits the value. */
function origin(value: StatedValue): string {
  return value.path.includes('stepTemplate') ? ' (from stepTemplate)' : '';
}

/** Who the API server refuses when a container's own values are inconsistent: the object itself (its pod template is validated), or a Task's pods. */
function refusedObject(shape: PodShape): string {
  return shape.source === 'task' ? podsOf(shape) : 'it';
}

function checkContainer(ctx: RuleContext, shape: PodShape, container: ResourceContainer, seen: Set<string>): void {
  const limits = limitsFor(ctx, shape);
  const report = (path: PathSegment[], rule: string, message: string) => {
    const key = `${path.join('\u0000')}|${rule}`;
    if (seen.has(key)) return; // steps inheriting the same stepTemplate values
    seen.add(key);
    ctx.report(shape.item, path, rule, 'error', message);
  };
  for (const resource of COMPUTE_RESOURCES) {
    const request = container.requests.get(resource);
    const limit = container.limits.get(resource);
    if (request?.quantity && limit?.quantity) {
      if (compareQuantities(request.quantity, limit.quantity) > 0) {
        const path = !origin(request) || origin(limit) ? request.path : limit.path;
        report(
          path,
          'resources-request-over-limit',
          `${container.label} requests ${resource} ${request.quantity.text}${origin(request)}, more than its ${resource} limit ${limit.quantity.text}${origin(limit)}; ` +
            `a request must not exceed the limit, so the API server refuses ${refusedObject(shape)}`,
        );
      }
      continue;
    }
    if (container.role === 'ephemeral container') continue; // LimitRanger defaults pods at creation; ephemeral containers come later
    if (request?.quantity && !limit && request.quantity.num !== 0n) {
      for (const item of limits) {
        const fallback = item.values.default.get(resource);
        if (!fallback || compareQuantities(request.quantity, fallback.quantity) <= 0) continue;
        report(
          [...container.resourcesPath, 'limits', resource],
          'limit-range-default-below-request',
          `${container.label} requests ${resource} ${request.quantity.text}${origin(request)} but sets no ${resource} limit, so ${describeLimit(item, fallback)} becomes its limit, ` +
            `below the request; the API server refuses ${podsOf(shape)}. Set a ${resource} limit of at least ${request.quantity.text}, or request at most ${fallback.quantity.text}`,
        );
        break;
      }
    } else if (!request && limit?.quantity && container.role === 'step') {
      for (const item of limits) {
        const share = tektonStepRequest(item, resource, shape.steps);
        if (!share || compareQuantities(share.quantity, limit.quantity) <= 0 || share.source.kind !== 'tekton-share') continue;
        const steps = `${shape.steps} step${shape.steps === 1 ? '' : 's'}`;
        const basis =
          share.source.value.field === 'min'
            ? describeLimit(item, share.source.value)
            : `${describeLimit(item, share.source.value)} shared among ${steps}`;
        report(
          [...container.resourcesPath, 'requests', resource],
          'limit-range-default-below-request',
          `${container.label} sets a ${resource} limit of ${limit.quantity.text}${origin(limit)} but no request, so Tekton gives it a request of ${share.quantity.text} (${basis}), ` +
            `above the limit; the API server refuses ${podsOf(shape)}. Set a ${resource} request of at most ${limit.quantity.text}`,
        );
        break;
      }
    }
  }
}

export function checkContainerResources(ctx: RuleContext): void {
  for (const shape of podShapes(ctx)) {
    const seen = new Set<string>();
    for (const container of shape.containers) checkContainer(ctx, shape, container, seen);
  }
}

export const containerResourceRule: RuleDefinition = {
  id: 'container-resources',
  summary: 'no container, Tekton step or sidecar requests more than its limit, before or after LimitRange defaults',
  codes: [
    {
      code: 'resources-request-over-limit',
      severity: 'error',
      summary: 'a container, Tekton step or sidecar that requests more than its own limit',
    },
    {
      code: 'limit-range-default-below-request',
      severity: 'error',
      summary: "a container the namespace's LimitRange defaults leave with a request above its limit",
    },
  ],
  check: checkContainerResources,
};
