/**
 * Rules `port-range`, `node-port-range`, `port-name`: numbers and names of
 * ports, which the schemas type only as int32 / int-or-string.
 */
import {
  DNS_LABEL_RULE,
  NODE_PORT_RULE,
  PORT_NAME_RULE,
  PORT_RULE,
  isDnsLabel,
  isNodePort,
  isPortName,
  isPortNumber,
} from '../../../util/k8s-syntax';
import { describeValue } from '../../../util/props-check';
import { apiGroup } from '../cluster-scoped-kinds';
import { PathSegment } from '../field-path';
import { each, field, isObject, textOf } from '../json-value';
import { KubeObject, ManifestObject } from '../manifest';
import { containersOf, podTemplateOf } from '../pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

class PortChecker {
  constructor(
    private readonly ctx: RuleContext,
    private readonly item: ManifestObject,
  ) {}

  /** A port number field: 1-65535 (0 allowed where it means "unset"). */
  number(value: unknown, path: PathSegment[], field: string, zeroMeansUnset = false): void {
    if (value === undefined || (zeroMeansUnset && value === 0) || typeof value !== 'number') return; // wrong types: schema rule
    if (!isPortNumber(value))
      this.ctx.report(this.item, path, 'port-range', 'error', `invalid ${field} ${describeValue(value)}; expected ${PORT_RULE}`);
  }

  /** An int-or-string port: a number in range, or an IANA port name. */
  numberOrName(value: unknown, path: PathSegment[], field: string): void {
    if (typeof value === 'number') this.number(value, path, field);
    else if (typeof value === 'string' && !isPortName(value)) {
      this.ctx.report(
        this.item,
        path,
        'port-name',
        'error',
        `invalid ${field} ${describeValue(value)}; expected ${PORT_RULE}, or ${PORT_NAME_RULE}`,
      );
    }
  }

  /** A port name field. */
  name(value: unknown, path: PathSegment[], field: string): void {
    if (typeof value === 'string' && !isPortName(value))
      this.ctx.report(this.item, path, 'port-name', 'error', `invalid ${field} ${describeValue(value)}; expected ${PORT_NAME_RULE}`);
  }

  /** Probe and lifecycle handlers: httpGet.port, tcpSocket.port, grpc.port. */
  handler(handler: unknown, path: PathSegment[]): void {
    if (!isObject(handler)) return;
    if (isObject(handler.httpGet)) this.numberOrName(handler.httpGet.port, [...path, 'httpGet', 'port'], 'port');
    if (isObject(handler.tcpSocket)) this.numberOrName(handler.tcpSocket.port, [...path, 'tcpSocket', 'port'], 'port');
    if (isObject(handler.grpc)) this.number(handler.grpc.port, [...path, 'grpc', 'port'], 'port');
  }
}

export function checkPorts(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const object = item.object;
    const ports = new PortChecker(ctx, item);
    const group = apiGroup(textOf(object.apiVersion ?? ''));
    const template = podTemplateOf(object);
    if (template) {
      for (const { container, path } of containersOf(template)) {
        const names = new Set<string>();
        each(container.ports, (port, index) => {
          const at = [...path, 'ports', index];
          ports.number(port.containerPort, [...at, 'containerPort'], 'containerPort');
          ports.number(port.hostPort, [...at, 'hostPort'], 'hostPort', true);
          ports.name(port.name, [...at, 'name'], 'port name');
          if (typeof port.name === 'string') {
            if (names.has(port.name))
              ctx.report(item, [...at, 'name'], 'port-name', 'error', `duplicate port name ${describeValue(port.name)} in this container`);
            names.add(port.name);
          }
        });
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) ports.handler(container[probe], [...path, probe]);
        if (isObject(container.lifecycle)) {
          for (const hook of ['postStart', 'preStop']) ports.handler(container.lifecycle[hook], [...path, 'lifecycle', hook]);
        }
      }
    }
    const spec = isObject(object.spec) ? object.spec : {};
    if (group === '' && object.kind === 'Service') checkServicePorts(ctx, item, spec, ports);
    if (group === '' && object.kind === 'Endpoints') {
      each(object.subsets, (subset, s) =>
        each(subset.ports, (port, p) => {
          ports.number(port.port, ['subsets', s, 'ports', p, 'port'], 'port');
        }),
      );
    }
    if (group === 'discovery.k8s.io' && object.kind === 'EndpointSlice') {
      each(object.ports, (port, p) => ports.number(port.port, ['ports', p, 'port'], 'port'));
    }
    if (group === 'networking.k8s.io' && object.kind === 'NetworkPolicy') {
      for (const direction of ['ingress', 'egress']) {
        each(spec[direction], (rule, r) =>
          each(rule.ports, (port, p) => {
            const at: PathSegment[] = ['spec', direction, r, 'ports', p];
            ports.numberOrName(port.port, [...at, 'port'], 'port');
            ports.number(port.endPort, [...at, 'endPort'], 'endPort');
            if (typeof port.endPort === 'number' && typeof port.port === 'number' && port.endPort < port.port) {
              ctx.report(
                item,
                [...at, 'endPort'],
                'port-range',
                'error',
                `invalid endPort ${port.endPort}; expected a port at least as large as port ${port.port}`,
              );
            }
          }),
        );
      }
    }
    if (group === 'networking.k8s.io' && object.kind === 'Ingress') {
      const backendPort = (backend: unknown, path: PathSegment[]) => {
        if (isObject(backend) && isObject(backend.service) && isObject(backend.service.port)) {
          ports.number(backend.service.port.number, [...path, 'service', 'port', 'number'], 'port number');
          ports.name(backend.service.port.name, [...path, 'service', 'port', 'name'], 'port name');
        }
      };
      backendPort(spec.defaultBackend, ['spec', 'defaultBackend']);
      each(spec.rules, (rule, r) =>
        each(field(rule.http, 'paths'), (entry, p) => backendPort(entry.backend, ['spec', 'rules', r, 'http', 'paths', p, 'backend'])),
      );
    }
  }
}

function checkServicePorts(ctx: RuleContext, item: ManifestObject, spec: KubeObject, ports: PortChecker): void {
  const type = spec.type ?? 'ClusterIP';
  const list = Array.isArray(spec.ports) ? spec.ports : [];
  const names = new Set<string>();
  each(list, (port, index) => {
    const at: PathSegment[] = ['spec', 'ports', index];
    ports.number(port.port, [...at, 'port'], 'port');
    ports.numberOrName(port.targetPort, [...at, 'targetPort'], 'targetPort');
    if (port.nodePort !== undefined && port.nodePort !== 0 && typeof port.nodePort === 'number') {
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        ctx.report(
          item,
          [...at, 'nodePort'],
          'node-port-range',
          'error',
          `nodePort ${port.nodePort} is not allowed for a Service of type ${textOf(type)}; only NodePort and LoadBalancer Services have node ports`,
        );
      } else if (!isNodePort(port.nodePort)) {
        ctx.report(
          item,
          [...at, 'nodePort'],
          'node-port-range',
          'error',
          `invalid nodePort ${describeValue(port.nodePort)}; expected ${NODE_PORT_RULE}`,
        );
      }
    }
    if (typeof port.name === 'string') {
      if (port.name !== '' && !isDnsLabel(port.name)) {
        ctx.report(
          item,
          [...at, 'name'],
          'port-name',
          'error',
          `invalid Service port name ${describeValue(port.name)}; expected ${DNS_LABEL_RULE}`,
        );
      }
      if (names.has(port.name))
        ctx.report(item, [...at, 'name'], 'port-name', 'error', `duplicate Service port name ${describeValue(port.name)}`);
      names.add(port.name);
    } else if (list.length > 1) {
      ctx.report(item, [...at, 'name'], 'port-name', 'error', 'a Service with more than one port must name every port');
    }
  });
}

export const portRule: RuleDefinition = {
  id: 'ports',
  summary: 'port numbers and names, which the schemas type only as int32 or int-or-string',
  codes: [
    { code: 'port-range', severity: 'error', summary: 'a port outside 1-65535' },
    { code: 'node-port-range', severity: 'error', summary: 'a node port outside 30000-32767, or one on a ClusterIP Service' },
    { code: 'port-name', severity: 'error', summary: 'a bad or duplicate port name' },
  ],
  check: checkPorts,
};
