import { Construct } from 'constructs';
import { SharedProcessNamespacePod } from '../constructs/pod/shared-process-namespace-pod';
import { Project } from '../constructs/project/project';
import { ExerciseProps } from './exercise-options';

/**
 * Exercise: Pod와 Container 사이의 Process Namespace 공유 (share the process
 * namespace between the containers of a pod), in namespace `shared-pid`;
 * `ps ax` in the shell shows `/pause` as PID 1.
 *
 * The namespace stays `restricted`: the shell runs as nginx's uid, so it can
 * list and signal nginx without the SYS_PTRACE capability the Kubernetes task
 * adds. Turning on `shellPtraceCapability` would need `podSecurity: 'privileged'`,
 * since neither restricted nor baseline allows SYS_PTRACE.
 */
export class SharedProcessNamespaceExercise extends Project {
  public readonly pod: SharedProcessNamespacePod;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'shared-pid' });
    this.pod = new SharedProcessNamespacePod(this, 'nginx', { name: 'nginx' });
  }
}
