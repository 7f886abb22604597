/**
 * Rules on the requests and limits of Tekton steps and sidecars (for cpu, memory and
 * ephemeral-storage), which become the containers of the pods Tekton's controller creates for
 * each TaskRun, after this validation and after the API server sees the Task. (The containers of
 * built-in pods and workloads are judged by the validation engine: kube-apiserver's own
 * validation and LimitRanger admission.)
 *
 * - `resources-request-over-limit`: a step or sidecar requests more than its own limit. The API
 *   server refuses the TaskRun pods ("must be less than or equal to cpu limit").
 * - `limit-range-default-below-request`: LimitRange defaulting leaves a step or sidecar with a
 *   request above its limit. One that requests a resource without a limit gets the LimitRange
 *   `default` as its limit (LimitRanger admission); when that is below the request, the API
 *   server refuses the pod. Mirror case: a step with a limit but no request gets the LimitRange
 *   `defaultRequest` divided among the steps (at least the `min`) from Tekton, which may be above
 *   the limit.
 *
 * Negative or unparsable values are left to other rules.
 */
import { compareQuantities } from '../../../util/exact-quantity';
import { PathSegment } from '../../foundation/field-path';
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
            `a request must not exceed the limit, so the API server refuses ${podsOf(shape)}`,
        );
      }
      continue;
    }
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
    if (shape.source !== 'task') continue; // built-in pods: the validation engine
    const seen = new Set<string>();
    for (const container of shape.containers) checkContainer(ctx, shape, container, seen);
  }
}

export const containerResourceRule: RuleDefinition = {
  id: 'container-resources',
  summary: 'no Tekton step or sidecar requests more than its limit, before or after LimitRange defaults',
  codes: [
    {
      code: 'resources-request-over-limit',
      severity: 'error',
      summary: 'a Tekton step or sidecar that requests more than its own limit',
    },
    {
      code: 'limit-range-default-below-request',
      severity: 'error',
      summary:
        "a Tekton step or sidecar the namespace's LimitRange defaults (and Tekton's share of them) leave with a request above its limit",
    },
  ],
  check: checkContainerResources,
};
