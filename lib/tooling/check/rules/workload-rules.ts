/**
 * Rule `selector-template-mismatch`: a Deployment, ReplicaSet, StatefulSet,
 * DaemonSet or ReplicationController whose selector does not select its own
 * pod template. The API server refuses it ("selector does not match template
 * labels"); the schemas cannot see it.
 */
import { describeValue } from '../../../util/props-check';
import { apiGroup } from '../cluster-scoped-kinds';
import { field, isObject, lengthOf, textOf } from '../json-value';
import { labelSelectorMatches, selectorMatches } from '../label-selector';
import { podTemplateOf } from '../pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

const APPS_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

export function checkWorkloadSelectors(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const { apiVersion, kind } = item.object;
    const group = apiGroup(textOf(apiVersion ?? ''));
    const isApps = group === 'apps' && APPS_KINDS.has(String(kind));
    const isRc = group === '' && kind === 'ReplicationController';
    if (!isApps && !isRc) continue;
    const template = podTemplateOf(item.object);
    const selector = field(item.object.spec, 'selector');
    if (!template || !isObject(selector)) continue; // missing pieces: the schema rule reports them
    const labels = isObject(template.metadata.labels) ? template.metadata.labels : {};
    const empty = isRc
      ? Object.keys(selector).length === 0
      : Object.keys(selector.matchLabels ?? {}).length === 0 && lengthOf(selector.matchExpressions ?? []) === 0;
    const matches = isRc ? selectorMatches(selector, labels) : labelSelectorMatches(selector, labels);
    if (empty) {
      ctx.report(item, ['spec', 'selector'], 'selector-template-mismatch', 'error', `${String(kind)} needs a non-empty selector`);
    } else if (!matches) {
      ctx.report(
        item,
        ['spec', 'selector'],
        'selector-template-mismatch',
        'error',
        `selector ${describeValue(selector)} does not select the pod template's labels ${describeValue(labels)}; the API server refuses this`,
      );
    }
  }
}

export const workloadSelectorRule: RuleDefinition = {
  id: 'workload-selectors',
  summary: 'a workload selects its own pod template',
  codes: [
    { code: 'selector-template-mismatch', severity: 'error', summary: 'a workload whose selector does not select its own pod template' },
  ],
  check: checkWorkloadSelectors,
};
