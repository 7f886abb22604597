/**
 * Storage on the real node: the default StorageClass binds claims to the volumes the tool made,
 * and a restricted, non-root pod writes to one. (Exercise 8's claims, Gogs' and the registry's,
 * are checked by 05-ci-pipeline, where their pods run.)
 */
import { STORAGE_CLASS } from '../../../tools/cluster/node-addons';
import { sh, until } from './support';

const NAMESPACE = 'storage-check';

const phase = (kind: string, name: string, namespace: string) =>
  sh(`kubectl get ${kind} ${name} -n ${namespace} -o jsonpath={.status.phase}`).stdout;

test('a claim of the default class binds, and a restricted non-root pod writes to it', async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: NAMESPACE },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'writer', namespace: NAMESPACE },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'writer',
              image: 'docker.io/library/busybox:1.36',
              command: ['sh', '-c', 'echo written-by-65534 > /data/file && sleep 3600'],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
    ],
  };
  // The namespace and claim first: the pod is admitted only once the namespace's default
  // ServiceAccount exists, which the controller manager creates a moment later.
  const [namespace, claim, pod] = manifest.items;
  expect(sh('kubectl apply -f -', { input: JSON.stringify({ ...manifest, items: [namespace, claim] }) }).stderr).toBe('');
  await until('the default ServiceAccount', () =>
    sh(`kubectl get serviceaccount default -n ${NAMESPACE}`).status === 0 ? true : undefined,
  );
  const applied = sh('kubectl apply -f -', { input: JSON.stringify(pod) });
  expect(applied.stderr).toBe('');
  expect(sh('kubectl get pvc data -n storage-check -o jsonpath={.spec.storageClassName}').stdout).toBe(STORAGE_CLASS);
  await until('the claim to bind', () => (phase('pvc', 'data', NAMESPACE) === 'Bound' ? true : undefined), 30_000);
  const ready = sh(`kubectl wait --for=condition=Ready pod/writer -n ${NAMESPACE} --timeout=60s`, { timeoutMs: 70_000 });
  expect(ready.stderr).toBe('');
  const read = await until('the file', () => {
    const out = sh(`kubectl exec -n ${NAMESPACE} writer -- cat /data/file`).stdout;
    return out === '' ? undefined : out;
  });
  expect(read).toBe('written-by-65534\n');
}, 120_000);
