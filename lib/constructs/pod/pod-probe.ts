import { IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { checkPort, checkPortName, invalidProp } from '../../util/props-check';
import { IPodTarget, describeDeclaredPorts, findDeclaredPort } from './pod-target';

/**
 * A container probe (`kubectl run` has no flag for probes; they are set in
 * YAML). Give exactly one of `httpGet`, `tcpSocket` or `exec`.
 *
 * @example { httpGet: { path: '/', port: 8080 }, periodSeconds: 10 }
 */
export interface PodProbe {
  /** Probe with an HTTP GET; healthy on status 200-399. */
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  /** Probe by opening a TCP connection. */
  readonly tcpSocket?: { readonly port: number | string };
  /** Probe by running a command in the container; healthy on exit code 0. */
  readonly exec?: { readonly command: string[] };
  /**
   * Seconds after the container starts before the first probe.
   * @default 0
   */
  readonly initialDelaySeconds?: number;
  /**
   * Seconds between probes.
   * @default 10
   */
  readonly periodSeconds?: number;
  /**
   * Seconds before a probe times out.
   * @default 1
   */
  readonly timeoutSeconds?: number;
  /**
   * Failures in a row that count as failed.
   * @default 3
   */
  readonly failureThreshold?: number;
}

const TIMINGS = [
  ['initialDelaySeconds', 0],
  ['periodSeconds', 1],
  ['timeoutSeconds', 1],
  ['failureThreshold', 1],
] as const;

/** Checks a probe against the pod's declared ports and returns the Kubernetes object. */
export function probeToKube(scope: IConstruct, field: string, probe: PodProbe, pod: IPodTarget): k8s.Probe {
  if (typeof probe !== 'object' || probe === null) invalidProp(scope, field, probe, 'an object with one of httpGet, tcpSocket or exec');
  const handlers = (['httpGet', 'tcpSocket', 'exec'] as const).filter((h) => probe[h] !== undefined);
  if (handlers.length !== 1)
    invalidProp(scope, field, probe, `exactly one of httpGet, tcpSocket or exec (found ${handlers.length ? handlers.join(', ') : 'none'})`);
  const port = (where: string, value: unknown): k8s.IntOrString => {
    if (typeof value === 'number') checkPort(scope, where, value);
    else checkPortName(scope, where, value);
    // A named port must be declared; a number may be any port the process opens.
    if (typeof value === 'string' && !findDeclaredPort(pod, value)) {
      invalidProp(scope, where, value, `a port number or the name of a port the pod declares: ${describeDeclaredPorts(pod)}`);
    }
    return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value as string);
  };
  const timings: Record<string, number> = {};
  for (const [name, min] of TIMINGS) {
    const value = probe[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < min || value > 2_147_483_647)
      invalidProp(scope, `${field}.${name}`, value, `an integer of at least ${min}`);
    timings[name] = value;
  }
  if (probe.httpGet) {
    const path = probe.httpGet.path;
    if (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path))
      invalidProp(scope, `${field}.httpGet.path`, path, 'an absolute URL path such as "/healthz"');
    return { httpGet: { path, port: port(`${field}.httpGet.port`, probe.httpGet.port) }, ...timings };
  }
  if (probe.tcpSocket) return { tcpSocket: { port: port(`${field}.tcpSocket.port`, probe.tcpSocket.port) }, ...timings };
  const command = probe.exec!.command;
  if (!Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== 'string')) {
    invalidProp(scope, `${field}.exec.command`, command, 'a non-empty list of strings, e.g. ["cat", "/tmp/ready"]');
  }
  return { exec: { command: [...command] }, ...timings };
}
