/**
 * Rules that tie a Service to what it sends traffic to:
 * - `service-selector-no-match`: a selector that matches no pod template in the Service's namespace;
 * - `service-no-endpoints`: a selector-less Service without Endpoints or an EndpointSlice of its own;
 * - `endpoints-port-mismatch`: a Service port name the Endpoints/EndpointSlice do not carry;
 * - `target-port-not-declared`: a named targetPort a selected pod does not declare (error), or a
 *   numeric one no container declares (warning: a container may listen on an undeclared port).
 */
import { describeValue } from '../../../util/props-check';
import { PathSegment } from '../../foundation/field-path';
import { asList, field, isObject } from '../../foundation/json-value';
import { KubeObject, ManifestObject } from '../../foundation/manifest';
import { containersOf } from '../../foundation/pod-templates';
import { describeObject, PodTemplateAt, RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

/** The label EndpointSlices use to name their Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function checkServices(ctx: RuleContext): void {
  for (const item of ctx.ofKind('', 'Service')) {
    const spec = isObject(item.object.spec) ? item.object.spec : {};
    if (spec.type === 'ExternalName') continue; // a DNS alias: no pods, no endpoints
    const namespace = ctx.namespaceOf(item);
    const selector = isObject(spec.selector) ? spec.selector : {};
    if (Object.keys(selector).length > 0) {
      const selected = ctx.podTemplatesSelectedBy(namespace, selector);
      if (selected.length === 0) {
        ctx.report(
          item,
          ['spec', 'selector'],
          'service-selector-no-match',
          'error',
          `selector ${describeValue(selector)} matches no pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) in namespace "${namespace}"`,
        );
        continue;
      }
      checkTargetPorts(ctx, item, spec, selected);
    } else {
      checkManualEndpoints(ctx, item, spec, namespace);
    }
  }
}

function checkTargetPorts(ctx: RuleContext, item: ManifestObject, spec: KubeObject, selected: PodTemplateAt[]): void {
  if (!Array.isArray(spec.ports)) return;
  spec.ports.forEach((port: unknown, index: number) => {
    if (!isObject(port)) return;
    const target = port.targetPort ?? port.port;
    const path: PathSegment[] = ['spec', 'ports', index, port.targetPort === undefined ? 'port' : 'targetPort'];
    const declares = ({ template }: PodTemplateAt) =>
      containersOf(template).some(
        ({ container, list }) =>
          list === 'containers' &&
          Array.isArray(container.ports) &&
          container.ports.some((p: KubeObject) => (typeof target === 'string' ? p?.name === target : p?.containerPort === target)),
      );
    const missing = selected.filter((at) => !declares(at));
    if (missing.length === 0) return;
    const who = missing.map((at) => describeObject(ctx, at.item)).join(', ');
    if (typeof target === 'string') {
      ctx.report(
        item,
        path,
        'target-port-not-declared',
        'error',
        `targetPort ${describeValue(target)} names a port that the selected pod template of ${who} does not declare; traffic to this port has nowhere to go`,
      );
    } else if (typeof target === 'number' && missing.length === selected.length) {
      ctx.report(
        item,
        path,
        'target-port-not-declared',
        'warning',
        `targetPort ${target} is not a containerPort of the selected pod template of ${who}; check the container listens on it`,
      );
    }
  });
}

function checkManualEndpoints(ctx: RuleContext, item: ManifestObject, spec: KubeObject, namespace: string): void {
  const name = field(item.object.metadata, 'name');
  if (typeof name !== 'string') return;
  const endpoints = ctx.find('', 'Endpoints', namespace, name);
  const slices = ctx
    .ofKind('discovery.k8s.io', 'EndpointSlice')
    .filter((slice) => ctx.namespaceOf(slice) === namespace && field(slice.object.metadata, 'labels', SERVICE_NAME_LABEL) === name);
  if (endpoints.length === 0 && slices.length === 0) {
    ctx.report(
      item,
      ['spec', 'selector'],
      'service-no-endpoints',
      'error',
      `Service has no selector and there is no Endpoints "${name}" or EndpointSlice labelled ${SERVICE_NAME_LABEL}=${name} in namespace "${namespace}"; it would route nowhere`,
    );
    return;
  }
  if (!Array.isArray(spec.ports)) return;
  const endpointPortNames = (object: KubeObject): Set<string> => {
    const ports: readonly unknown[] =
      object.kind === 'Endpoints' ? asList(object.subsets).flatMap((s) => asList(field(s, 'ports'))) : asList(object.ports);
    return new Set(ports.map((p) => (isObject(p) && typeof p.name === 'string' ? p.name : '')));
  };
  for (const source of [...endpoints, ...slices]) {
    const names = endpointPortNames(source.object);
    spec.ports.forEach((port: unknown, index: number) => {
      if (!isObject(port)) return;
      const portName = typeof port.name === 'string' ? port.name : '';
      if (!names.has(portName)) {
        ctx.report(
          item,
          ['spec', 'ports', index, 'name'],
          'endpoints-port-mismatch',
          'error',
          `Service port ${describeValue(portName)} has no port of the same name in ${describeObject(ctx, source)} (it has ${[...names].map((n) => describeValue(n)).join(', ') || 'no ports'}); kube-proxy matches them by name`,
        );
      }
    });
  }
}

export const serviceRule: RuleDefinition = {
  id: 'services',
  summary: 'a Service reaches pods or Endpoints, on ports they declare',
  codes: [
    { code: 'service-selector-no-match', severity: 'error', summary: 'a Service selecting no pod template in its namespace' },
    { code: 'service-no-endpoints', severity: 'error', summary: 'a selector-less Service with no Endpoints or EndpointSlice' },
    { code: 'endpoints-port-mismatch', severity: 'error', summary: 'a Service port name its Endpoints/EndpointSlice do not carry' },
    {
      code: 'target-port-not-declared',
      severity: 'error or warning',
      summary: 'a named targetPort the selected pods do not declare (error); a numeric one no container declares (warning)',
    },
  ],
  check: checkServices,
};
