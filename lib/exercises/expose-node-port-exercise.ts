import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ExposedPod } from '../service/exposed-pod';

/** The node port the NodePort exercise pins, so the learner knows where to point a browser. */
export const EXERCISE_NODE_PORT = 30080;

/**
 * Exercise: a pod reachable from outside the cluster on every node's port
 * 30080, `kubectl expose pod web-nodeport --type=NodePort --port=80 --target-port=8080`.
 */
export class ExposeNodePortExercise extends Chart {
  public readonly web: ExposedPod;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.web = new ExposedPod(this, 'web', {
      name: 'web-nodeport',
      type: 'NodePort',
      servicePort: 80,
      targetPort: 8080,
      nodePort: EXERCISE_NODE_PORT,
    });
  }
}
