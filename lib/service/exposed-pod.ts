import { Construct } from 'constructs';
import { RunPod, RunPodProps } from '../pod/run-pod';
import { ExposeOptions, PodService } from './pod-service';
import { guardEmittedText } from '../util/emitted-text';

/** Props of {@link ExposedPod}: `kubectl run` flags plus `kubectl expose` flags. */
export interface ExposedPodProps extends RunPodProps, ExposeOptions {}

/**
 * A pod and the Service that exposes it: `kubectl run NAME ...` followed by
 * `kubectl expose pod NAME --type=TYPE --port=P --target-port=T`.
 *
 * @example
 * new ExposedPod(chart, 'web', { name: 'nginx', type: 'NodePort', servicePort: 80, nodePort: 30080 });
 */
export class ExposedPod extends Construct {
  /** The pod (`kubectl run`). */
  public readonly pod: RunPod;
  /** The Service (`kubectl expose pod`). */
  public readonly service: PodService;

  constructor(scope: Construct, id: string, props: ExposedPodProps) {
    super(scope, id);
    guardEmittedText(this);
    this.pod = new RunPod(this, 'Pod', props);
    this.service = new PodService(this, 'Service', { ...props, pod: this.pod });
  }
}
