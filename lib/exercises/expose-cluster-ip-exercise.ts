import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedPod } from '../service/exposed-pod';

/** Exercise: a pod exposed inside the cluster, `kubectl expose pod web --port=80 --target-port=8080`. */
export class ExposeClusterIpExercise extends Chart {
  public readonly web: ExposedPod;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.web = new ExposedPod(this, 'web', { name: 'web', type: 'ClusterIP', servicePort: 80, targetPort: 8080 });
  }
}
