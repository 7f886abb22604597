/**
 * Pod Security Standard levels, from least to most restrictive.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Every {@link PodSecurityLevel}, least restrictive first. */
export const POD_SECURITY_LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];

/** The namespace label that makes Pod Security Admission enforce a level. */
export const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
