import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { SharedProcessNamespacePod } from '../pod/shared-process-namespace-pod';

/**
 * Exercise: Pod와 Container 사이의 Process Namespace 공유 (share the process
 * namespace between the containers of a pod); `ps ax` in the shell shows
 * `/pause` as PID 1.
 */
export class SharedProcessNamespaceExercise extends Chart {
  public readonly pod: SharedProcessNamespacePod;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.pod = new SharedProcessNamespacePod(this, 'nginx', { name: 'nginx-shared' });
  }
}
