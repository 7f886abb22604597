/**
 * The generated Tekton classes (`imports/tekton-*.ts`, about 0.6 MB of
 * JavaScript once compiled), loaded on first use: importing the package root
 * does not load them, only instantiating a Tekton construct does. The
 * constructs import the classes' types with `import type` (erased at compile
 * time) and their values through these accessors.
 */
import type * as PipelineModule from '../../../imports/tekton-pipeline-tekton.dev';
import type * as PipelineRunModule from '../../../imports/tekton-pipelinerun-tekton.dev';
import type * as TaskModule from '../../../imports/tekton-task-tekton.dev';
import type * as TaskRunModule from '../../../imports/tekton-taskrun-tekton.dev';

let task: typeof TaskModule | undefined;
let taskRun: typeof TaskRunModule | undefined;
let pipeline: typeof PipelineModule | undefined;
let pipelineRun: typeof PipelineRunModule | undefined;

/** `imports/tekton-task-tekton.dev` (Task v1). */
export const tektonTask = (): typeof TaskModule => (task ??= require('../../../imports/tekton-task-tekton.dev') as typeof TaskModule);
/** `imports/tekton-taskrun-tekton.dev` (TaskRun v1). */
export const tektonTaskRun = (): typeof TaskRunModule =>
  (taskRun ??= require('../../../imports/tekton-taskrun-tekton.dev') as typeof TaskRunModule);
/** `imports/tekton-pipeline-tekton.dev` (Pipeline v1). */
export const tektonPipeline = (): typeof PipelineModule =>
  (pipeline ??= require('../../../imports/tekton-pipeline-tekton.dev') as typeof PipelineModule);
/** `imports/tekton-pipelinerun-tekton.dev` (PipelineRun v1). */
export const tektonPipelineRun = (): typeof PipelineRunModule =>
  (pipelineRun ??= require('../../../imports/tekton-pipelinerun-tekton.dev') as typeof PipelineRunModule);
