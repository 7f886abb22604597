/**
 * The Service types this library makes: the one list, which every construct that makes a
 * Service takes its choices from.
 *
 * `ExternalName` is deliberately absent: the practice notes do not use it
 * ("externalname은 사용안함"), and it selects no pods, so it is not a way to
 * expose one.
 */
export type ExposeType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Every {@link ExposeType}, for checks at run time (JavaScript callers). */
export const EXPOSE_TYPES: readonly ExposeType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];

/**
 * The Service types offered for the CI servers this library runs (Gogs and
 * the image registry): reachable in the cluster only, or also on a port of
 * every node (for a learner's browser, or for kubelets pulling images).
 * The {@link ExposeType}s without `LoadBalancer`.
 */
export type NodeServiceType = Exclude<ExposeType, 'LoadBalancer'>;

/** Every {@link NodeServiceType}, for checks at run time (JavaScript callers). */
export const NODE_SERVICE_TYPES: readonly NodeServiceType[] = EXPOSE_TYPES.filter(
  (type): type is NodeServiceType => type !== 'LoadBalancer',
);
