/**
 * What the real API server refuses in a project namespace of ours (exercise 1's `pod-basics`:
 * PSA `restricted`, a ResourceQuota, a LimitRange), sent with `dryRun=All` so nothing is
 * stored. Each refusal is also asserted of the offline validator (`validate` as it runs by default:
 * our rules and the validation engine), on the same objects.
 */
import { ApiObject, statusMessage } from '../../tools/cluster/api-client';
import { ManifestObject } from '../../lib/tooling/check/manifest';
import { validateObjects } from '../../lib/tooling/check/validate';
import { api, distFiles, eventually, kubectl, objectsOf } from './support';

const FILE = distFiles().find((f) => f.endsWith('01-pod.k8s.yaml'))!;
const PROJECT = objectsOf([FILE]);
const NAMESPACE = 'pod-basics';
const goodPod = () => structuredClone(PROJECT.find((o) => o.kind === 'Pod')!) as ApiObject & { spec: any };

beforeAll(async () => {
  const applied = kubectl(['apply', '--server-side', '-f', FILE]);
  if (applied.status !== 0) throw new Error(applied.stderr);
  await eventually('the project quota status', async () => {
    const quota = await api().get<{ status?: { hard?: object } }>('v1', 'ResourceQuota', 'project-quota', NAMESPACE);
    return { done: !!quota?.status?.hard, state: quota?.status };
  });
});

/** The validator's error rules and messages for `extra` objects added to the project's file. */
function validatorErrors(...extra: ApiObject[]): string[] {
  const objects = [...PROJECT, ...extra];
  const items: ManifestObject[] = objects.map((object, document) => ({ file: 'case.yaml', document, object }));
  return validateObjects(items, { apiServer: 'auto' })
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.rule}: ${f.message}`);
}

async function refusal(object: ApiObject, options: { dryRun: boolean } = { dryRun: true }): Promise<string> {
  const response = await api().create(object, options);
  if (response.status < 400 && !options.dryRun)
    await api().delete(object.apiVersion, object.kind, object.metadata.name!, object.metadata.namespace);
  expect(response.status).toBeGreaterThanOrEqual(400);
  return statusMessage(response);
}

test('the unmodified pod of the exercise is admitted (the cases below differ from it in one way)', async () => {
  const pod = goodPod();
  pod.metadata.name = 'admitted';
  const response = await api().create(pod, { dryRun: true });
  expect({ status: response.status, warnings: response.warnings }).toEqual({ status: 201, warnings: [] });
  expect(validatorErrors(pod)).toEqual([]);
});

test('PodSecurity refuses a root pod in a restricted namespace', async () => {
  const pod = goodPod();
  pod.metadata.name = 'root';
  delete pod.spec.securityContext.runAsNonRoot;
  delete pod.spec.containers[0].securityContext.runAsNonRoot;
  pod.spec.securityContext.runAsUser = 0;
  expect(await refusal(pod)).toMatch(/violates PodSecurity "restricted:v1.28": runAsNonRoot != true .*runAsUser=0/);
  expect(validatorErrors(pod).join('\n')).toMatch(/runAsNonRoot|runAsUser/);
});

test('ResourceQuota refuses a pod that would exceed the namespace quota', async () => {
  const pod = goodPod();
  pod.metadata.name = 'greedy';
  pod.spec.containers[0].resources = { requests: { cpu: '1500m', memory: '32Mi' }, limits: { cpu: '1500m', memory: '128Mi' } };
  expect(await refusal(pod)).toMatch(
    /exceeded quota: project-quota, requested: requests.cpu=1500m, used: requests.cpu=\d+m?, limited: requests.cpu=1/,
  );
  expect(validatorErrors(pod).join('\n')).toMatch(/quota/);
});

test('LimitRanger defaults the limit, and validation refuses a request above it', async () => {
  const pod = goodPod();
  pod.metadata.name = 'over-default';
  pod.spec.containers[0].resources = { requests: { cpu: '500m', memory: '32Mi' } };
  expect(await refusal(pod)).toMatch(
    /spec.containers\[0\].resources.requests: Invalid value: "500m": must be less than or equal to cpu limit/,
  );
  expect(validatorErrors(pod).join('\n')).toMatch(/500m/);
});

const nodePortService = (name: string, nodePort: number): ApiObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NAMESPACE },
  spec: { type: 'NodePort', selector: { run: 'nginx' }, ports: [{ port: 80, targetPort: 8080, nodePort }] },
});

// Found here: a 1.28 server-side dry run does not check the node port range, so
// `kubectl apply --dry-run=server` accepts 29999; only a real create refuses it.
test('a nodePort outside 30000-32767 is refused (by a real create; a server dry run accepts it)', async () => {
  const service = nodePortService('low-port', 29999);
  expect((await api().create(service, { dryRun: true })).status).toBe(201);
  expect(await refusal(service, { dryRun: false })).toMatch(
    /spec.ports\[0\].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767/,
  );
  expect(validatorErrors(service).join('\n')).toMatch(
    /^api-server: .*nodePort: Invalid value: 29999: provided port is not in the valid range/m,
  );
});

test('a nodePort already allocated to another Service is refused (a server dry run sees this one)', async () => {
  const first = nodePortService('first', 31234);
  const created = await api().create(first);
  expect(created.status).toBe(201);
  try {
    const second = nodePortService('second', 31234);
    expect(await refusal(second)).toMatch(/spec.ports\[0\].nodePort: Invalid value: 31234: provided port is already allocated/);
    expect(validatorErrors(first, second).join('\n')).toMatch(/31234/);
  } finally {
    await api().delete('v1', 'Service', 'first', NAMESPACE);
  }
});
