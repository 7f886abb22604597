/**
 * Small pieces shared by the Tasks this library writes: restricted step
 * security, step resources and the name rule for Tekton objects.
 */
import { IConstruct } from 'constructs';
import { TaskV1SpecSteps, TaskV1SpecStepsComputeResourcesLimits, TaskV1SpecStepsComputeResourcesRequests } from '../../imports/tekton-task-tekton.dev';
import { ContainerSize, SMALL_CONTAINER, restrictedContainerSecurityContext } from '../pod/restricted-defaults';
import { DNS_LABEL_RULE, isDnsLabel } from '../util/k8s-syntax';
import { invalidProp } from '../util/props-check';

/**
 * Checks the name of a Task or Pipeline. Tekton copies it into the
 * `tekton.dev/task` / `tekton.dev/pipeline` label of every run, so it must
 * also be a valid label value: a DNS-1123 label.
 */
export function checkTektonName(scope: IConstruct, field: string, value: unknown): string {
  if (!isDnsLabel(value)) invalidProp(scope, field, value, `${DNS_LABEL_RULE} (Tekton copies it into a label)`);
  return value;
}

/**
 * securityContext of a step that passes the `restricted` Pod Security
 * Standard: non-root `uid`, no privilege escalation, every capability
 * dropped, RuntimeDefault seccomp, read-only root filesystem.
 */
export function restrictedStepSecurityContext(uid: number): TaskV1SpecSteps['securityContext'] {
  return restrictedContainerSecurityContext(uid);
}

/** computeResources of a step from a {@link ContainerSize}. */
export function stepResources(size: ContainerSize = SMALL_CONTAINER): TaskV1SpecSteps['computeResources'] {
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
