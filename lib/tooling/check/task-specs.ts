/**
 * Where Tekton Task specs live: a Task's own `spec`, a TaskRun's inline
 * `spec.taskSpec`, and the inline `taskSpec` of a Pipeline's tasks and
 * finally tasks. Their steps and sidecars become the containers of a TaskRun's pod.
 */
import { apiGroup } from '../foundation/cluster-scoped-kinds';
import { PathSegment } from '../foundation/field-path';
import { isObject, textOf } from '../foundation/json-value';
import { KubeObject } from '../foundation/manifest';

/** A Task spec found in an object. */
export interface TaskSpecAt {
  readonly spec: KubeObject;
  readonly path: PathSegment[];
}

/** The Task specs an object carries, with their paths (none for kinds that carry none). */
export function taskSpecsOf(object: KubeObject): TaskSpecAt[] {
  if (apiGroup(textOf(object.apiVersion ?? '')) !== 'tekton.dev') return [];
  const spec = isObject(object.spec) ? object.spec : undefined;
  if (!spec) return [];
  if (object.kind === 'Task') return [{ spec, path: ['spec'] }];
  if (object.kind === 'TaskRun' && isObject(spec.taskSpec)) return [{ spec: spec.taskSpec, path: ['spec', 'taskSpec'] }];
  if (object.kind === 'Pipeline') {
    const out: TaskSpecAt[] = [];
    for (const list of ['tasks', 'finally']) {
      if (!Array.isArray(spec[list])) continue;
      spec[list].forEach((task: unknown, i: number) => {
        if (isObject(task) && isObject(task.taskSpec)) out.push({ spec: task.taskSpec, path: ['spec', list, i, 'taskSpec'] });
      });
    }
    return out;
  }
  return [];
}

/**
 * The field of a step, sidecar or stepTemplate that holds its resource
 * requirements: `computeResources` in `tekton.dev/v1`, `resources` in `v1beta1`.
 */
export function stepResourcesField(apiVersion: unknown): 'computeResources' | 'resources' {
  return apiVersion === 'tekton.dev/v1beta1' ? 'resources' : 'computeResources';
}
