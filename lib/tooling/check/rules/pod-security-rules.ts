/**
 * Rules `psa-*`: a pod spec (of a Pod, workload or CronJob) must meet the Pod
 * Security Standard its namespace enforces through the label
 * `pod-security.kubernetes.io/enforce`, as Kubernetes 1.28 defines the
 * `baseline` and `restricted` levels (kubernetes.io "Pod Security Standards").
 * The controls themselves are in pod-security-controls.ts.
 *
 * The level is read from the Namespace object in the output. A namespace that
 * is not in the output (including `default`, where objects without a
 * namespace land) has an unknown level and is skipped. Every container list
 * is checked: containers, initContainers and ephemeralContainers.
 */
import { PodSecurityLevel } from '../../../util/pod-security-level';
import { POD_SECURITY_CONTROLS, podSecurityViolations } from '../pod-security-controls';
import { namespaceLevels } from '../pod-security-namespaces';
import { RuleContext } from '../rule-context';
import { RuleCode, RuleDefinition } from '../rule-definition';

export type { PodSecurityLevel };
export { podSecurityViolations };

export function checkPodSecurity(ctx: RuleContext): void {
  const levels = namespaceLevels(ctx);
  for (const { item, template } of ctx.podTemplates()) {
    const namespace = ctx.namespaceOf(item);
    const level = levels.get(namespace);
    if (!level || level === 'privileged') continue;
    for (const violation of podSecurityViolations(template, level)) {
      ctx.report(
        item,
        violation.path,
        `psa-${violation.control}`,
        'error',
        `namespace "${namespace}" enforces Pod Security "${level}": ${violation.message}`,
      );
    }
  }
}

/** One code per control; a control with a baseline and a restricted entry gets both summaries. */
function controlCodes(): RuleCode[] {
  const codes = new Map<string, string[]>();
  for (const control of POD_SECURITY_CONTROLS) codes.set(control.code, [...(codes.get(control.code) ?? []), control.summary]);
  return [...codes].map(([code, summaries]) => ({ code: `psa-${code}`, severity: 'error', summary: summaries.join('; ') }));
}

export const podSecurityRule: RuleDefinition = {
  id: 'pod-security',
  summary: 'pod templates meet the Pod Security Standard (baseline or restricted) their Namespace enforces',
  codes: controlCodes(),
  check: checkPodSecurity,
};
