/**
 * Small pieces shared by the Tasks this library writes: step resources, a
 * scratch HOME for steps with a read-only root filesystem, and the name rule
 * for Tekton objects.
 */
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { TaskV1SpecSteps, TaskV1SpecStepsVolumeMounts } from '../../../imports/tekton-task-tekton.dev';
import { ContainerSize, SMALL_CONTAINER } from '../restricted-defaults';
import { DNS_LABEL_RULE, isDnsLabel } from '../../util/k8s-syntax';
import { invalidProp } from '../../util/props-check';
import { tektonTask } from './tekton-imports';

/**
 * Checks the name of a Task or Pipeline. Tekton copies it into the
 * `tekton.dev/task` / `tekton.dev/pipeline` label of every run, so it must
 * also be a valid label value: a DNS-1123 label.
 */
export function checkTektonName(scope: IConstruct, field: string, value: unknown): string {
  if (!isDnsLabel(value)) invalidProp(scope, field, value, `${DNS_LABEL_RULE} (Tekton copies it into a label)`);
  return value;
}

/** computeResources of a step from a {@link ContainerSize}. */
export function stepResources(size: ContainerSize = SMALL_CONTAINER): TaskV1SpecSteps['computeResources'] {
  const { TaskV1SpecStepsComputeResourcesLimits, TaskV1SpecStepsComputeResourcesRequests } = tektonTask();
  return {
    requests: {
      cpu: TaskV1SpecStepsComputeResourcesRequests.fromString(size.cpuRequest),
      memory: TaskV1SpecStepsComputeResourcesRequests.fromString(size.memoryRequest),
    },
    limits: {
      cpu: TaskV1SpecStepsComputeResourcesLimits.fromString(size.cpuLimit),
      memory: TaskV1SpecStepsComputeResourcesLimits.fromString(size.memoryLimit),
    },
  };
}

/** A scratch directory for a step with a read-only root filesystem (HOME, caches). */
export const STEP_SCRATCH_VOLUME = 'scratch';

/** What {@link scratchHome} returns: the pieces a step and its Task need for a writable HOME. */
export interface ScratchHome {
  /** The `HOME` variable, for the step's `env`. */
  readonly env: { readonly name: 'HOME'; readonly value: string };
  /** The step's `volumeMounts`: the scratch volume at HOME. */
  readonly volumeMounts: TaskV1SpecStepsVolumeMounts[];
  /** The Task's `volumes`: the scratch volume, an emptyDir. */
  readonly volumes: k8s.Volume[];
}

/**
 * A writable HOME at `path` for one step whose root filesystem is read-only
 * (git and kubectl write their config and caches there): the `HOME`
 * variable, an emptyDir volume {@link STEP_SCRATCH_VOLUME} and its mount.
 */
export function scratchHome(path: string): ScratchHome {
  return {
    env: { name: 'HOME', value: path },
    volumeMounts: [{ name: STEP_SCRATCH_VOLUME, mountPath: path }],
    volumes: [{ name: STEP_SCRATCH_VOLUME, emptyDir: {} }],
  };
}
