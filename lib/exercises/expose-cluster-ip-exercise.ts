import { Construct } from 'constructs';
import { Project } from '../constructs/project/project';
import { ExposedPod } from '../constructs/service/exposed-pod';
import { ExerciseProps } from './exercise-options';

/**
 * Exercise: a pod exposed inside the cluster,
 * `kubectl expose pod nginx --port=80 --target-port=8080`, in namespace `expose-clusterip`.
 * The project's allow-same-namespace policy lets the namespace's own pods reach it.
 */
export class ExposeClusterIpExercise extends Project {
  public readonly web: ExposedPod;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'expose-clusterip' });
    this.web = new ExposedPod(this, 'nginx', { name: 'nginx', type: 'ClusterIP', servicePort: 80, targetPort: 8080 });
  }
}
