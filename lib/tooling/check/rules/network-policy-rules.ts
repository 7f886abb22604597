/**
 * Rule `policy-selects-other-namespace` (error): a NetworkPolicy whose podSelector selects no pod
 * template of its own namespace while a pod template of another namespace matches it. A
 * NetworkPolicy protects pods of its own namespace only (other namespaces appear in it only as
 * sources, through a `namespaceSelector` in `from`), so such a policy selects nothing: the common
 * mistake of writing the policy in the client's namespace instead of the server's.
 *
 * An empty podSelector (every pod of the namespace, e.g. a default-deny policy) is never reported,
 * nor a policy whose selector matches nothing anywhere in the run (its pods may come from elsewhere).
 */
import { describeValue } from '../../../util/props-check';
import { asList, isObject, objectField } from '../../foundation/json-value';
import { labelSelectorMatches } from '../../foundation/label-selector';
import { describeObject, PodTemplateAt, RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** Whether a LabelSelector has no requirement at all (it selects every pod of the namespace). */
function isEmptySelector(selector: Record<string, unknown>): boolean {
  const matchLabels = objectField(selector, 'matchLabels');
  return (!matchLabels || Object.keys(matchLabels).length === 0) && asList(selector.matchExpressions).length === 0;
}

/** Pod templates of every namespace by `label\0value`, so a policy is matched against a few candidates, not all. */
function indexByLabel(templates: readonly PodTemplateAt[]): Map<string, PodTemplateAt[]> {
  const index = new Map<string, PodTemplateAt[]>();
  for (const at of templates) {
    const labels = at.template.metadata.labels;
    if (!isObject(labels)) continue;
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') continue;
      const entry = `${key}\0${value}`;
      const list = index.get(entry);
      if (list) list.push(at);
      else index.set(entry, [at]);
    }
  }
  return index;
}

export function checkNetworkPolicies(ctx: RuleContext): void {
  const policies = ctx.ofKind('networking.k8s.io', 'NetworkPolicy');
  if (policies.length === 0) return;
  const templates = ctx.podTemplates();
  const byLabel = indexByLabel(templates);
  for (const policy of policies) {
    const selector = objectField(policy.object, 'spec', 'podSelector');
    if (!selector || isEmptySelector(selector)) continue;
    const first = Object.entries(objectField(selector, 'matchLabels') ?? {}).find(([, value]) => typeof value === 'string');
    const candidates = first ? (byLabel.get(`${first[0]}\0${String(first[1])}`) ?? []) : templates;
    const matching = candidates.filter(({ template }) => labelSelectorMatches(selector, template.metadata.labels));
    const namespace = ctx.namespaceOf(policy);
    if (matching.length === 0 || matching.some(({ item }) => ctx.namespaceOf(item) === namespace)) continue;
    const elsewhere = ctx.namespaceOf(matching[0]!.item);
    ctx.report(
      policy,
      ['spec', 'podSelector'],
      'policy-selects-other-namespace',
      'error',
      `podSelector ${describeValue(selector)} selects no pod template in namespace "${namespace}", but matches ${describeObject(ctx, matching[0]!.item)}; ` +
        `a NetworkPolicy protects only pods of its own namespace, so this one selects nothing. ` +
        `Create it in namespace "${elsewhere}" instead, and name the clients of "${namespace}" in "from" with ` +
        `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${namespace}}}`,
    );
  }
}

export const networkPolicyRule: RuleDefinition = {
  id: 'network-policies',
  summary: 'a NetworkPolicy selects pods of its own namespace',
  codes: [
    {
      code: 'policy-selects-other-namespace',
      severity: 'error',
      summary: "a NetworkPolicy whose podSelector selects no pod template of its namespace but another namespace's",
    },
  ],
  check: checkNetworkPolicies,
};
