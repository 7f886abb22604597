/**
 * The Service types offered for the CI servers this library runs (Gogs and
 * the image registry): reachable in the cluster only, or also on a port of
 * every node (for a learner's browser, or for kubelets pulling images).
 */
export type NodeServiceType = 'ClusterIP' | 'NodePort';

/** Every {@link NodeServiceType}, for checks at run time (JavaScript callers). */
export const NODE_SERVICE_TYPES: readonly NodeServiceType[] = ['ClusterIP', 'NodePort'];
