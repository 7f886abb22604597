/**
 * Rule `node-port-unreachable` (error): a NodePort or LoadBalancer Service whose pods are isolated
 * for ingress by a NetworkPolicy of their namespace, while no NetworkPolicy admits anything from
 * outside the namespace to them. Node-port and load-balancer traffic comes from outside (nodes,
 * clients), so on a cluster that enforces NetworkPolicy such a Service times out — a common
 * result of putting an exposed pod in a project with a `default-deny-ingress` policy.
 *
 * A policy admits from outside when one of its ingress rules has no `from` (every source), or a
 * `from` peer with an `ipBlock` or a `namespaceSelector`, and no `ports` or a port matching the
 * Service's target port (by number or by the name the pod declares for it). Only `matchLabels`-style pod selectors are evaluated; a policy with
 * `matchExpressions` is treated as selecting (so it can only lead to a finding, never hide one,
 * when it isolates, and it counts as admitting when it admits).
 */
import { describeValue } from '../../../util/props-check';
import { asList, each, field, isObject, textOf } from '../../foundation/json-value';
import { KubeObject, ManifestObject } from '../../foundation/manifest';
import { containersOf, PodTemplate } from '../../foundation/pod-templates';
import { labelSelectorMatches } from '../../foundation/label-selector';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** Whether a NetworkPolicy's podSelector selects pods with these labels. */
function policySelects(policy: KubeObject, labels: unknown): boolean {
  return labelSelectorMatches(field(policy.spec, 'podSelector'), labels);
}

/** Whether a policy isolates the pods it selects for ingress (explicit type, or an `ingress` section with no types). */
function isolatesIngress(policy: KubeObject): boolean {
  const types = field(policy.spec, 'policyTypes');
  return Array.isArray(types) ? types.includes('Ingress') : true;
}

function portMatches(rulePorts: unknown, targetPorts: ReadonlySet<unknown>): boolean {
  if (!Array.isArray(rulePorts) || rulePorts.length === 0) return true;
  return rulePorts.some((p) => !isObject(p) || p.port === undefined || targetPorts.has(p.port));
}

/** Whether one of the policy's ingress rules admits sources outside the namespace on a target port. */
function admitsFromOutside(policy: KubeObject, targetPorts: ReadonlySet<unknown>): boolean {
  const rules = asList(field(policy.spec, 'ingress'));
  return rules.some((rule: unknown) => {
    if (!isObject(rule) || !portMatches(rule.ports, targetPorts)) return false;
    if (!Array.isArray(rule.from) || rule.from.length === 0) return true;
    return rule.from.some((peer: unknown) => isObject(peer) && (isObject(peer.ipBlock) || isObject(peer.namespaceSelector)));
  });
}

/**
 * The Service's target ports on one pod, by number and by name: a policy may name a port the
 * Service gives by number, or the other way round (the pod's declared ports relate the two).
 */
function targetPortsOf(servicePorts: unknown, template: PodTemplate): Set<unknown> {
  const declared = containersOf(template).flatMap(({ container }) =>
    (Array.isArray(container.ports) ? container.ports : []).filter(isObject),
  );
  const targets = new Set<unknown>();
  each(servicePorts, (port) => {
    const target = port.targetPort ?? port.port;
    targets.add(target);
    for (const p of declared) {
      if (typeof target === 'string' && p.name === target) targets.add(p.containerPort);
      if (typeof target === 'number' && p.containerPort === target && typeof p.name === 'string') targets.add(p.name);
    }
  });
  return targets;
}

export function checkNodePortReachability(ctx: RuleContext): void {
  for (const service of ctx.ofKind('', 'Service')) {
    const spec = isObject(service.object.spec) ? service.object.spec : {};
    if ((spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') || !isObject(spec.selector) || Object.keys(spec.selector).length === 0)
      continue;
    const namespace = ctx.namespaceOf(service);
    const policies = ctx.ofKind('networking.k8s.io', 'NetworkPolicy').filter((p) => ctx.namespaceOf(p) === namespace);
    const pods = ctx.podTemplatesSelectedBy(namespace, spec.selector);
    for (const { item, template } of pods) {
      const targetPorts = targetPortsOf(spec.ports, template);
      const selecting = policies.filter((p: ManifestObject) => policySelects(p.object, template.metadata.labels));
      const isolating = selecting.filter((p) => isolatesIngress(p.object));
      if (isolating.length === 0 || selecting.some((p) => admitsFromOutside(p.object, targetPorts))) continue;
      ctx.report(
        service,
        ['spec', 'type'],
        'node-port-unreachable',
        'error',
        `${textOf(spec.type)} Service selects ${textOf(item.object.kind)}/${textOf(field(item.object.metadata, 'name') ?? '')}, which NetworkPolicy ${describeValue(textOf(field(isolating[0]!.object.metadata, 'name') ?? ''))} ` +
          `isolates for ingress, and no NetworkPolicy of namespace "${namespace}" admits traffic from outside it (a rule without "from", or with an ipBlock or namespaceSelector) on the target port; ` +
          'node-port and load-balancer clients would time out',
      );
      break; // one finding per Service
    }
  }
}

export const nodePortReachabilityRule: RuleDefinition = {
  id: 'node-port-reachability',
  summary: 'traffic from outside can reach the pods of a NodePort or LoadBalancer Service through their NetworkPolicies',
  codes: [
    {
      code: 'node-port-unreachable',
      severity: 'error',
      summary:
        'a NodePort/LoadBalancer Service whose pods a NetworkPolicy isolates while none admits traffic from outside the namespace on the target port',
    },
  ],
  check: checkNodePortReachability,
};
