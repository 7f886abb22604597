import { Construct } from 'constructs';
import { RunPod } from '../constructs/pod/run-pod';
import { Project } from '../constructs/project/project';
import { ExerciseProps } from './exercise-options';

/** Exercise: a single pod, as `kubectl run nginx --image=... --port=8080` makes it, in namespace `pod-basics`. */
export class PodExercise extends Project {
  public readonly pod: RunPod;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'pod-basics' });
    this.pod = new RunPod(this, 'nginx', { name: 'nginx' });
  }
}
