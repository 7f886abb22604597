import { k8s } from 'cdk8s-plus-28';

/**
 * A NetworkPolicy `from` peer: pods with these labels (every pod when none)
 * in the given namespace, matched by its `kubernetes.io/metadata.name` label.
 * A peer in the policy's own namespace needs no namespace selector.
 */
export function ingressPeer(
  podLabels: { readonly [key: string]: string } | undefined,
  namespace: string | undefined,
  policyNamespace: string | undefined,
): k8s.NetworkPolicyPeer {
  return {
    // An empty podSelector selects every pod of the namespace(s) in question.
    podSelector: podLabels ? { matchLabels: { ...podLabels } } : {},
    namespaceSelector:
      namespace === undefined || namespace === policyNamespace ? undefined : { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  };
}
