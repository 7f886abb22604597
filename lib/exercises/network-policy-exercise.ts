import { Construct } from 'constructs';
import { Images, NOBODY_UID } from '../constructs/images';
import { AllowIngressPolicy } from '../constructs/network/allow-ingress-policy';
import { RunPod } from '../constructs/pod/run-pod';
import { Project } from '../constructs/project/project';
import { ExposedPod } from '../constructs/service/exposed-pod';
import { ExerciseProps } from './exercise-options';

/** The label a client needs to reach the web pod in the NetworkPolicy exercise. */
export const WEB_ACCESS_LABEL = { access: 'web' } as const;

/**
 * Exercise: NetworkPolicy, in namespace `network-policy`. The project denies
 * all ingress (and, unlike the other projects, does not allow traffic within
 * the namespace); one policy lets pods labelled `access: web` reach the web
 * pod's port. `allowed-client` carries the label, `denied-client` does not.
 */
export class NetworkPolicyExercise extends Project {
  public readonly web: ExposedPod;
  public readonly allowedClient: RunPod;
  public readonly deniedClient: RunPod;
  public readonly policy: AllowIngressPolicy;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'network-policy', allowSameNamespace: false });
    this.web = new ExposedPod(this, 'web', { name: 'web', servicePort: 80, targetPort: 8080 });
    const client = { image: Images.shell, command: ['sleep', '86400'], runAsUser: NOBODY_UID, writablePaths: [] };
    this.allowedClient = new RunPod(this, 'allowed-client', {
      ...client,
      name: 'allowed-client',
      labels: { run: 'allowed-client', ...WEB_ACCESS_LABEL },
    });
    this.deniedClient = new RunPod(this, 'denied-client', { ...client, name: 'denied-client' });
    this.policy = new AllowIngressPolicy(this, 'allow-web', {
      name: 'web-allow-access-label',
      to: this.web.pod,
      from: [{ podLabels: WEB_ACCESS_LABEL }],
    });
  }
}
