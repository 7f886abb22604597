/**
 * The Service types `kubectl expose` can make here.
 *
 * `ExternalName` is deliberately absent: the practice notes do not use it
 * ("externalname은 사용안함"), and it selects no pods, so it is not a way to
 * expose one.
 */
export type ExposeType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** Every {@link ExposeType}, for checks at run time (JavaScript callers). */
export const EXPOSE_TYPES: readonly ExposeType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];
