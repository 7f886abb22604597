/**
 * Pod spec checks the API server makes in its own validation code (k8s 1.28
 * `pkg/apis/core/validation`) that the OpenAPI schema cannot express. Each was found by
 * sending a broken manifest to the real API server (docs/validator-vs-api-server.md).
 *
 * - `undeclared-volume` (error): a volumeMount names no volume of the pod ("Not found").
 * - `invalid-env-name` (error): an env var name that is not `[-._a-zA-Z][-._a-zA-Z0-9]*`.
 * - `invalid-field-value` (error): a missing image, a probe or hook with more than one
 *   handler, two volumeMounts at one mountPath, a user or group id outside 0..2147483647, a workload template whose
 *   restartPolicy its controller does not allow.
 */
import { describeValue } from '../../../util/props-check';
import { apiGroup } from '../cluster-scoped-kinds';
import { PathSegment } from '../field-path';
import { each, field, isObject, textOf } from '../json-value';
import { KubeObject, ManifestObject } from '../manifest';
import { containersOf } from '../pod-templates';
import { RuleContext } from '../rule-context';
import { RuleDefinition } from '../rule-definition';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const MAX_ID = 2147483647;
const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
/** The restartPolicy each pod-owning controller accepts for its template. */
const TEMPLATE_RESTART_POLICIES: Record<string, readonly string[]> = {
  'apps/Deployment': ['Always'],
  'apps/StatefulSet': ['Always'],
  'apps/DaemonSet': ['Always'],
  'apps/ReplicaSet': ['Always'],
  '/ReplicationController': ['Always'],
  'batch/Job': ['OnFailure', 'Never'],
  'batch/CronJob': ['OnFailure', 'Never'],
};

function checkIds(ctx: RuleContext, item: ManifestObject, securityContext: unknown, at: readonly PathSegment[]): void {
  if (!isObject(securityContext)) return;
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const id = securityContext[field];
    if (typeof id === 'number' && (!Number.isInteger(id) || id < 0 || id > MAX_ID)) {
      ctx.report(
        item,
        [...at, field],
        'invalid-field-value',
        'error',
        `${field} ${describeValue(id)} is out of range; expected an integer from 0 to ${MAX_ID}`,
      );
    }
  }
}

/** A probe or lifecycle hook must name exactly one handler. */
function checkHandler(ctx: RuleContext, item: ManifestObject, handler: unknown, at: readonly PathSegment[]): void {
  if (!isObject(handler)) return;
  const named = HANDLERS.filter((h) => handler[h] !== undefined && handler[h] !== null);
  if (named.length > 1) {
    ctx.report(
      item,
      at,
      'invalid-field-value',
      'error',
      `${named.join(' and ')} are set; a probe or hook takes exactly one handler of ${HANDLERS.join(', ')}`,
    );
  }
}

function checkContainer(
  ctx: RuleContext,
  item: ManifestObject,
  container: KubeObject,
  at: readonly PathSegment[],
  volumes: ReadonlySet<string>,
  ephemeral: boolean,
): void {
  if (!ephemeral && (typeof container.image !== 'string' || container.image.trim() === '')) {
    ctx.report(
      item,
      [...at, 'image'],
      'invalid-field-value',
      'error',
      'a container needs an image; the API server refuses one without ("Required value")',
    );
  }
  each(container.env, (env, index) => {
    if (typeof env.name === 'string' && (!ENV_NAME.test(env.name) || env.name === '.' || env.name === '..' || env.name.startsWith('..'))) {
      ctx.report(
        item,
        [...at, 'env', index, 'name'],
        'invalid-env-name',
        'error',
        `invalid environment variable name ${describeValue(env.name)}; expected letters, digits, "_", "-" or ".", not starting with a digit (and not "." or "..")`,
      );
    }
  });
  const mountPaths = new Map<string, number>();
  each(container.volumeMounts, (mount, index) => {
    if (typeof mount.mountPath !== 'string') return;
    const first = mountPaths.get(mount.mountPath);
    if (first !== undefined) {
      ctx.report(
        item,
        [...at, 'volumeMounts', index, 'mountPath'],
        'invalid-field-value',
        'error',
        `mountPath ${describeValue(mount.mountPath)} is already used by volumeMounts[${first}]; a container's mount paths must be unique`,
      );
    } else {
      mountPaths.set(mount.mountPath, index);
    }
  });
  for (const list of ['volumeMounts', 'volumeDevices']) {
    each(container[list], (mount, index) => {
      if (typeof mount.name === 'string' && !volumes.has(mount.name)) {
        ctx.report(
          item,
          [...at, list, index, 'name'],
          'undeclared-volume',
          'error',
          `${list === 'volumeMounts' ? 'volumeMount' : 'volumeDevice'} names volume ${describeValue(mount.name)}, which the pod does not declare (volumes: ${[...volumes].join(', ') || 'none'})`,
        );
      }
    });
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) checkHandler(ctx, item, container[probe], [...at, probe]);
  if (isObject(container.lifecycle))
    for (const hook of ['postStart', 'preStop']) checkHandler(ctx, item, container.lifecycle[hook], [...at, 'lifecycle', hook]);
  checkIds(ctx, item, container.securityContext, [...at, 'securityContext']);
}

export function checkPodSpecs(ctx: RuleContext): void {
  for (const { item, template } of ctx.podTemplates()) {
    const spec = template.spec;
    const volumes = new Set<string>();
    each(spec.volumes, (volume) => {
      if (typeof volume.name === 'string') volumes.add(volume.name);
    });
    // A StatefulSet's volumeClaimTemplates become volumes of its pods.
    if (item.object.kind === 'StatefulSet')
      each(field(item.object.spec, 'volumeClaimTemplates'), (claim) => {
        const name = field(claim.metadata, 'name');
        if (typeof name === 'string') volumes.add(name);
      });
    for (const { container, path, list } of containersOf(template))
      checkContainer(ctx, item, container, path, volumes, list === 'ephemeralContainers');
    checkIds(ctx, item, spec.securityContext, [...template.specPath, 'securityContext']);

    const owner = `${apiGroup(textOf(item.object.apiVersion ?? ''))}/${textOf(item.object.kind ?? '')}`;
    const allowed = TEMPLATE_RESTART_POLICIES[owner];
    // Unset means Always (pod defaulting), which a Job refuses.
    const restartPolicy = spec.restartPolicy ?? 'Always';
    if (allowed && typeof restartPolicy === 'string' && !allowed.includes(restartPolicy)) {
      ctx.report(
        item,
        [...template.specPath, 'restartPolicy'],
        'invalid-field-value',
        'error',
        `restartPolicy ${describeValue(restartPolicy)}${spec.restartPolicy === undefined ? ' (the default)' : ''} is not allowed in a ${String(item.object.kind)} template; expected ${allowed.join(' or ')}`,
      );
    }
  }
}

export const podSpecRule: RuleDefinition = {
  id: 'pod-specs',
  summary: "pod spec checks the API server's own validation makes and no schema says",
  codes: [
    { code: 'undeclared-volume', severity: 'error', summary: 'a volumeMount of a volume the pod does not declare' },
    { code: 'invalid-env-name', severity: 'error', summary: 'an env var name that is not [-._a-zA-Z][-._a-zA-Z0-9]*' },
    {
      code: 'invalid-field-value',
      severity: 'error',
      summary:
        'a missing image, a probe or hook with two handlers, two mounts at one path, an id above 2147483647, a restartPolicy the controller refuses',
    },
  ],
  check: checkPodSpecs,
};
