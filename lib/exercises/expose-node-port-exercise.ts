import { Construct } from 'constructs';
import { Project } from '../constructs/project/project';
import { ExposedPod } from '../constructs/service/exposed-pod';
import { ExerciseProps } from './exercise-options';

/** The node port the NodePort exercise pins, so the learner knows where to point a browser. */
export const EXERCISE_NODE_PORT = 30080;

/** Props of {@link ExposeNodePortExercise}. */
export interface ExposeNodePortExerciseProps extends ExerciseProps {
  /**
   * The node port, 30000-32767.
   * @default EXERCISE_NODE_PORT (30080)
   */
  readonly nodePort?: number;
}

/**
 * Exercise: a pod reachable from outside the cluster on every node's port
 * 30080, `kubectl expose pod nginx --type=NodePort --port=80 --target-port=8080`,
 * in namespace `expose-nodeport`.
 */
export class ExposeNodePortExercise extends Project {
  public readonly web: ExposedPod;

  constructor(scope: Construct, id: string, props: ExposeNodePortExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'expose-nodeport' });
    this.web = new ExposedPod(this, 'nginx', {
      name: 'nginx',
      type: 'NodePort',
      servicePort: 80,
      targetPort: 8080,
      nodePort: props.nodePort ?? EXERCISE_NODE_PORT,
    });
    // The project denies ingress by default; NodePort clients come from outside the namespace, so
    // ExposedPod adds `nginx-from-anywhere` (its allowFromOutside default inside a Project).
  }
}
