/**
 * Rule `node-port-conflict`: node ports are allocated cluster-wide, so two Services (in any
 * namespaces) cannot hold the same one; the API server refuses the second ("provided port is
 * already allocated"). One Service may use a node port twice only for different protocols.
 */
import { isNodePort } from '../../../util/k8s-syntax';
import { fieldPath } from '../field-path';
import { each, field, isObject, textOf } from '../json-value';
import { ManifestObject } from '../manifest';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

interface Holder {
  readonly item: ManifestObject;
  readonly path: string;
  readonly protocol: string;
}

export function checkNodePortConflicts(ctx: RuleContext): void {
  const holders = new Map<number, Holder>();
  for (const item of ctx.ofKind('', 'Service')) {
    const spec = isObject(item.object.spec) ? item.object.spec : {};
    if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') continue;
    each(spec.ports, (port, index) => {
      if (typeof port.nodePort !== 'number' || !isNodePort(port.nodePort)) return; // unset or invalid: node-port-range
      const path = fieldPath(['spec', 'ports', index, 'nodePort']);
      const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
      const first = holders.get(port.nodePort);
      if (!first) {
        holders.set(port.nodePort, { item, path, protocol });
      } else if (first.item !== item || first.protocol === protocol) {
        const where =
          first.item === item
            ? 'this Service'
            : `Service "${ctx.namespaceOf(first.item)}/${textOf(field(first.item.object.metadata, 'name') ?? '')}"`;
        ctx.reportAt(
          item,
          path,
          'node-port-conflict',
          'error',
          `nodePort ${port.nodePort} is already used by ${where} (${first.path}); node ports are allocated cluster-wide, so the API server refuses this one ("provided port is already allocated")`,
        );
      }
    });
  }
}

export const nodePortConflictRule: RuleDefinition = {
  id: 'node-port-conflicts',
  summary: 'node ports are allocated cluster-wide: no two Services may hold the same one',
  codes: [{ code: 'node-port-conflict', severity: 'error', summary: 'a node port held by two Services (in any namespaces)' }],
  check: checkNodePortConflicts,
};
