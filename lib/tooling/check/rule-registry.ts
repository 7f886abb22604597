/**
 * The rule registry: every validator rule with its id, codes and summary, in the
 * order findings are produced. The only module that imports rule files.
 *
 * Our rules keep what kube-apiserver does not check on a single object: meaning across objects
 * (selectors, references, NodePort reachability, quotas, LimitRange defaults for Tekton steps,
 * duplicates), the objects the validation engine does not judge (custom resources, the pods
 * Tekton makes of Task steps) and the schemas. The API server's own single-object checks of
 * built-in objects are left to the engine (api-server-engine.ts; the inventory is in
 * test/cluster/validation-engine-section.ts, printed in docs/validator-vs-api-server.md).
 */
import { RuleCode, RuleDefinition } from './rule-definition';
import { containerResourceRule } from './rules/resource-rules';
import { imageRule } from './rules/image-rules';
import { nameRule } from './rules/name-rules';
import { negativeQuantityRule } from './rules/negative-quantity-rules';
import { networkPolicyRule } from './rules/network-policy-rules';
import { nodePortReachabilityRule } from './rules/node-port-reachability-rules';
import { objectIdentityRule } from './rules/object-identity-rules';
import { quotaRule } from './rules/quota-rules';
import { referenceRule } from './rules/reference-rules';
import { schemaRule } from './rules/schema-rule';
import { serviceRule } from './rules/service-rules';
import { tektonPodSecurityRule } from './rules/tekton-security-rules';

/** Every rule, in the order findings are produced. */
export const RULES: readonly RuleDefinition[] = [
  schemaRule,
  nameRule,
  nodePortReachabilityRule,
  networkPolicyRule,
  objectIdentityRule,
  imageRule,
  serviceRule,
  referenceRule,
  tektonPodSecurityRule,
  containerResourceRule,
  negativeQuantityRule,
  quotaRule,
];

/** Every code any rule reports, once, in registry order. */
export function ruleCodes(rules: readonly RuleDefinition[] = RULES): string[] {
  return [...new Set(rules.flatMap((rule) => rule.codes.map((c) => c.code)))];
}

/** The declaration of a code in a rule, if the rule declares it. */
export function codeOf(rule: RuleDefinition, code: string): RuleCode | undefined {
  return rule.codes.find((c) => c.code === code);
}

/** Thrown for a `disable` entry that is neither a code nor a rule id. */
export class UnknownRuleError extends Error {
  constructor(
    /** The rule id or code that matched nothing. */
    public readonly value: string,
    /** Every rule id and code there is. */
    public readonly allowed: readonly string[],
  ) {
    super(`unknown rule or code ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
    this.name = 'UnknownRuleError';
  }
}

/** What a `disable` list turns off: whole rules (by id) and single codes (in every rule that reports them). */
export interface DisabledChecks {
  /** Rule ids, in registry order: none of the rule's findings is reported. */
  readonly rules: readonly string[];
  /** Codes, in registry order: no finding with the code is reported, whichever rule reports it. */
  readonly codes: readonly string[];
}

/**
 * Reads a `disable` list: each entry is a rule id or a code. A rule id turns off that rule only
 * (a code it shares with another rule, such as `psa-privileged`, stays on there).
 * Throws {@link UnknownRuleError} for anything else, so a typo never passes silently.
 */
export function resolveDisabled(entries: readonly string[], rules: readonly RuleDefinition[] = RULES): DisabledChecks {
  const known = ruleCodes(rules);
  for (const entry of entries) {
    if (!rules.some((r) => r.id === entry) && !known.includes(entry))
      throw new UnknownRuleError(entry, [...rules.map((r) => r.id), ...known]);
  }
  return { rules: rules.map((r) => r.id).filter((id) => entries.includes(id)), codes: known.filter((code) => entries.includes(code)) };
}
