import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { RunPod } from '../pod/run-pod';

/** Exercise: a single pod, as `kubectl run nginx --image=... --port=8080` makes it. */
export class PodExercise extends Chart {
  public readonly pod: RunPod;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.pod = new RunPod(this, 'nginx', { name: 'nginx' });
  }
}
