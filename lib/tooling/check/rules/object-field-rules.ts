/**
 * Field checks of Services, workloads, ConfigMaps, Secrets and Endpoints that the API server
 * makes in its validation code (k8s 1.28) and the OpenAPI schema cannot express. Each was found
 * by sending a broken manifest to the real API server (docs/validator-vs-api-server.md).
 *
 * - `invalid-data-key` (error): a ConfigMap or Secret key outside `[-._a-zA-Z0-9]+`, longer
 *   than 253 characters, or `.`/`..`-prefixed.
 * - `invalid-field-value` (error) also: a ConfigMap or Secret over 1 MiB of data.
 * - `invalid-endpoint-ip` (error): an Endpoints or EndpointSlice address that is not an IP (as
 *   Go's parser reads it), is unspecified, loopback, link-local or link-local multicast, or is
 *   not of the slice's addressType.
 * - `invalid-field-value` (error): negative replicas; a rolling update with maxSurge and
 *   maxUnavailable both 0; progressDeadlineSeconds not above minReadySeconds; two Service
 *   ports with the same port and protocol; a ClientIP affinity timeout outside 1..86400.
 */
import { endpointAddressProblem } from '../../../util/k8s-syntax';
import { describeValue } from '../../../util/props-check';
import { apiGroup } from '../cluster-scoped-kinds';
import { each, isObject, textOf } from '../json-value';
import { KubeObject, ManifestObject } from '../manifest';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_AFFINITY_SECONDS = 86400;

function checkDataKeys(ctx: RuleContext, item: ManifestObject): void {
  for (const field of ['data', 'binaryData', 'stringData']) {
    const data = item.object[field];
    if (!isObject(data)) continue;
    for (const key of Object.keys(data)) {
      if (!DATA_KEY.test(key) || key.length > 253 || key === '.' || key === '..' || key.startsWith('..')) {
        ctx.report(
          item,
          [field, key],
          'invalid-data-key',
          'error',
          `invalid ${String(item.object.kind)} key ${describeValue(key)}; expected at most 253 characters of letters, digits, "-", "_" and ".", not "." or ".." and not starting with ".."`,
        );
      }
    }
  }
}

/** The most bytes of data a ConfigMap or Secret may hold (core.MaxSecretSize, used for both). */
export const MAX_DATA_BYTES = 1024 * 1024;

/** Bytes of a base64 value once decoded (what the API server counts for binaryData and Secret data). */
function decodedBytes(value: string): number {
  return Buffer.from(value, 'base64').length;
}

/**
 * ConfigMap: the UTF-8 bytes of `data` values plus the decoded bytes of `binaryData`;
 * Secret: the decoded `data` values with `stringData` merged over them (keys are not counted).
 */
function checkDataSize(ctx: RuleContext, item: ManifestObject): void {
  const sizes = new Map<string, number>();
  const kind = String(item.object.kind);
  const add = (field: string, encoded: boolean) => {
    const data = item.object[field];
    if (!isObject(data)) return;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'string')
        sizes.set(`${kind === 'Secret' ? '' : field}/${key}`, encoded ? decodedBytes(value) : Buffer.byteLength(value, 'utf8'));
    }
  };
  if (kind === 'ConfigMap') {
    add('data', false);
    add('binaryData', true);
  } else {
    add('data', true);
    add('stringData', false);
  }
  let total = 0;
  for (const size of sizes.values()) total += size;
  if (total > MAX_DATA_BYTES) {
    ctx.report(
      item,
      ['data'],
      'invalid-field-value',
      'error',
      `${kind} holds ${total} bytes of data; the API server refuses more than ${MAX_DATA_BYTES} (1 MiB) in one ${kind}`,
    );
  }
}

function checkEndpoints(ctx: RuleContext, item: ManifestObject): void {
  each(item.object.subsets, (subset, s) => {
    for (const list of ['addresses', 'notReadyAddresses']) {
      each(subset[list], (address, a) => {
        const problem = endpointAddressProblem(address.ip);
        if (problem)
          ctx.report(
            item,
            ['subsets', s, list, a, 'ip'],
            'invalid-endpoint-ip',
            'error',
            `Endpoints address ${describeValue(address.ip)} ${problem}; the API server refuses it`,
          );
      });
    }
  });
}

function checkEndpointSlice(ctx: RuleContext, item: ManifestObject): void {
  const addressType = item.object.addressType;
  if (addressType !== 'IPv4' && addressType !== 'IPv6') return; // FQDN: not an IP
  each(item.object.endpoints, (endpoint, e) => {
    if (!Array.isArray(endpoint.addresses)) return;
    endpoint.addresses.forEach((address: unknown, a: number) => {
      const problem = endpointAddressProblem(address, addressType);
      if (problem)
        ctx.report(
          item,
          ['endpoints', e, 'addresses', a],
          'invalid-endpoint-ip',
          'error',
          `EndpointSlice address ${describeValue(address)} ${problem}; the API server refuses it`,
        );
    });
  });
}

/** An int-or-percent that is zero (`0` or `"0%"`). */
const isZero = (value: unknown) => value === 0 || (typeof value === 'string' && /^0+%$/.test(value));

function checkWorkload(ctx: RuleContext, item: ManifestObject, spec: KubeObject): void {
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    ctx.report(item, ['spec', 'replicas'], 'invalid-field-value', 'error', `replicas ${spec.replicas} is negative; expected 0 or more`);
  }
  if (item.object.kind !== 'Deployment') return;
  const rolling = isObject(spec.strategy) && isObject(spec.strategy.rollingUpdate) ? spec.strategy.rollingUpdate : undefined;
  // Unset values default to 25%, which is not zero.
  if (rolling && isZero(rolling.maxSurge) && isZero(rolling.maxUnavailable)) {
    ctx.report(
      item,
      ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
      'invalid-field-value',
      'error',
      'maxUnavailable and maxSurge are both 0, so a rollout could never replace a pod; at least one must be above 0',
    );
  }
  const deadline = spec.progressDeadlineSeconds;
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (typeof deadline === 'number' && deadline <= minReady) {
    ctx.report(
      item,
      ['spec', 'progressDeadlineSeconds'],
      'invalid-field-value',
      'error',
      `progressDeadlineSeconds ${deadline} must be greater than minReadySeconds ${minReady}`,
    );
  }
}

function checkService(ctx: RuleContext, item: ManifestObject, spec: KubeObject): void {
  const seen = new Map<string, number>();
  each(spec.ports, (port, index) => {
    if (typeof port.port !== 'number') return;
    const key = `${port.port}/${typeof port.protocol === 'string' ? port.protocol : 'TCP'}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.report(
        item,
        ['spec', 'ports', index],
        'invalid-field-value',
        'error',
        `port ${key} is already declared by spec.ports[${first}]; each port and protocol may appear once`,
      );
    } else {
      seen.set(key, index);
    }
  });
  const timeout =
    isObject(spec.sessionAffinityConfig) && isObject(spec.sessionAffinityConfig.clientIP)
      ? spec.sessionAffinityConfig.clientIP.timeoutSeconds
      : undefined;
  if (typeof timeout === 'number' && (timeout < 1 || timeout > MAX_AFFINITY_SECONDS)) {
    ctx.report(
      item,
      ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'],
      'invalid-field-value',
      'error',
      `timeoutSeconds ${timeout} is out of range; expected 1 to ${MAX_AFFINITY_SECONDS}`,
    );
  }
}

export function checkObjectFields(ctx: RuleContext): void {
  for (const item of ctx.objects) {
    const group = apiGroup(textOf(item.object.apiVersion ?? ''));
    const kind = item.object.kind;
    const spec = isObject(item.object.spec) ? item.object.spec : undefined;
    if (group === '' && (kind === 'ConfigMap' || kind === 'Secret')) {
      checkDataKeys(ctx, item);
      checkDataSize(ctx, item);
    }
    if (group === '' && kind === 'Endpoints') checkEndpoints(ctx, item);
    if (group === 'discovery.k8s.io' && kind === 'EndpointSlice') checkEndpointSlice(ctx, item);
    if (group === '' && kind === 'Service' && spec) checkService(ctx, item, spec);
    if (group === 'apps' && spec && ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(String(kind))) checkWorkload(ctx, item, spec);
  }
}

export const objectFieldRule: RuleDefinition = {
  id: 'object-fields',
  summary: "Service, workload, ConfigMap, Secret and Endpoints checks the API server's own validation makes and no schema says",
  codes: [
    { code: 'invalid-data-key', severity: 'error', summary: 'a ConfigMap or Secret key outside [-._a-zA-Z0-9]' },
    {
      code: 'invalid-endpoint-ip',
      severity: 'error',
      summary: 'a loopback, link-local, multicast or non-IP Endpoints/EndpointSlice address',
    },
    {
      code: 'invalid-field-value',
      severity: 'error',
      summary: 'negative replicas, maxSurge and maxUnavailable both 0, duplicate Service ports, a ConfigMap or Secret over 1 MiB, ...',
    },
  ],
  check: checkObjectFields,
};
