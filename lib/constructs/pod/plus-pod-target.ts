/**
 * An adapter from a cdk8s-plus pod or workload (Deployment, StatefulSet,
 * DaemonSet, Job, Pod) to {@link IPodTarget}, so PodService, AllowIngressPolicy
 * and the other constructs of this library can point at it.
 */
import * as plus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalidProp } from '../../util/props-check';
import { IPodTarget, PodPort, recordPodTargetScope } from './pod-target';

const PROTOCOLS: readonly PodPort['protocol'][] = ['TCP', 'UDP', 'SCTP'];

/**
 * The pod target of a cdk8s-plus workload. Its labels are what a Service
 * may select: a workload's `matchLabels` (by default cdk8s-plus's own
 * `cdk8s.io/metadata.addr` label), a bare Pod's labels. Its ports are every
 * port its containers declare. Both are read when a construct reads them, so
 * containers and ports added after the call count too.
 *
 * A workload that selects its pods with `matchExpressions` has no label set a
 * Service can select by, and is refused.
 *
 * @example
 * const app = new plus.Deployment(chart, 'app', { containers: [{ image: Images.web, portNumber: 8080 }] });
 * new PodService(chart, 'svc', { pod: podTargetOf(app), servicePort: 80 });
 */
export function podTargetOf(workload: plus.AbstractPod): IPodTarget {
  if (!(workload instanceof plus.AbstractPod)) {
    throw new Error(
      `podTargetOf: invalid workload ${String(workload)}; expected a cdk8s-plus-28 Pod, Deployment, StatefulSet, DaemonSet or Job`,
    );
  }
  const scope: IConstruct = workload;
  const target: IPodTarget = {
    get name() {
      return workload.name;
    },
    get labels() {
      if (workload instanceof plus.Workload) {
        if (workload.matchExpressions.length > 0) {
          invalidProp(
            scope,
            'matchExpressions',
            workload.matchExpressions,
            'none: a Service selects pods by labels only; select the pods with matchLabels (workload.select(LabelSelector.of({ labels })))',
          );
        }
        const labels = workload.matchLabels;
        if (Object.keys(labels).length === 0)
          invalidProp(scope, 'matchLabels', labels, 'at least one label (the workload was made with `select: false` and never given one)');
        return labels;
      }
      // cdk8s types toJson() as any; it returns the ApiObjectMetadata it was given.
      const metadata: unknown = workload.podMetadata.toJson();
      return { ...((metadata as { labels?: { [key: string]: string } }).labels ?? {}) };
    },
    get ports() {
      return workload.containers.flatMap((container) =>
        container.ports.map((port): PodPort => {
          const protocol = (port.protocol ?? 'TCP') as PodPort['protocol'];
          if (!PROTOCOLS.includes(protocol)) invalidProp(scope, 'port protocol', protocol, PROTOCOLS.join(', '));
          return { containerPort: port.number, name: port.name, protocol };
        }),
      );
    },
  };
  recordPodTargetScope(target, workload);
  return target;
}
