/**
 * `validate --kubernetes-version`: each vendored release judges built-in kinds
 * by its own schemas, so a field added after 1.28 is an error for 1.28 and
 * valid for the newest release, and the library's own output is valid on both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { KUBERNETES_VERSIONS } from '../../../lib/tooling/foundation/kubernetes-versions';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { runValidate } from '../../../lib/tooling/cli/validate-command';

jest.setTimeout(60_000);

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** A ClusterIP Service with `trafficDistribution` (beta in 1.31, GA in 1.33; absent from 1.28). */
const TRAFFIC_DISTRIBUTION = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
  trafficDistribution: PreferClose
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec:
  containers: [{ name: web, image: docker.io/nginxinc/nginx-unprivileged:1.27-alpine, ports: [{ containerPort: 8080 }] }]
`;

test('trafficDistribution is an unknown field for 1.28 and valid for the newest release', () => {
  const old = validateYaml(TRAFFIC_DISTRIBUTION, 'svc.yaml', { kubernetesVersion: '1.28' });
  expect(old.findings.map((f) => [f.code, f.path])).toEqual([['schema-unknown-field', 'spec.trafficDistribution']]);
  const newest = KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.length - 1];
  expect(validateYaml(TRAFFIC_DISTRIBUTION, 'svc.yaml', { kubernetesVersion: newest }).findings).toEqual([]);
});

test('enum values come with the newest schemas too: a bad Service type is an error on 1.37', () => {
  const bad = TRAFFIC_DISTRIBUTION.replace('trafficDistribution: PreferClose', 'type: Balanced');
  const result = validateYaml(bad, 'svc.yaml', { kubernetesVersion: '1.37' });
  expect(result.findings.map((f) => [f.code, f.path])).toEqual([['schema-enum', 'spec.type']]);
});

test.each(KUBERNETES_VERSIONS.map((v) => [v]))('the command takes --kubernetes-version %s and dist/ is valid on it', (version) => {
  const io = collect();
  expect(runValidate(['dist', '--kubernetes-version', version], io)).toBe(0);
  expect(io.lines[io.lines.length - 1]).toMatch(/^0 errors, 0 warnings in \d+ objects from \d+ files$/);
});

test('an unknown version is a usage error naming the allowed ones', () => {
  expect(() => runValidate(['dist', '--kubernetes-version', '1.29'], collect())).toThrow(
    'invalid --kubernetes-version "1.29"; expected one of 1.28, 1.37',
  );
  expect(() => validateYaml(TRAFFIC_DISTRIBUTION, 'svc.yaml', { kubernetesVersion: '1.2' as never })).toThrow(
    'invalid kubernetesVersion "1.2"; expected one of "1.28", "1.37"',
  );
});

test('each schema folder names its source in a README next to the data', () => {
  for (const version of KUBERNETES_VERSIONS) {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'schemas', `k8s-${version}`, 'README.md'), 'utf8');
    expect(readme).toMatch(/sha256/);
    expect(readme).toContain(`${version}`);
  }
});

test('messages name the version judged for, not always 1.28', () => {
  const widget = 'apiVersion: example.dev/v1\nkind: Widget\nmetadata: { name: w }\n';
  for (const version of KUBERNETES_VERSIONS) {
    const [finding] = validateYaml(widget, 'widget.yaml', { kubernetesVersion: version }).findings;
    expect(finding?.code).toBe('unknown-kind');
    expect(finding?.message).toContain(`no vendored Kubernetes ${version} definition or CRD`);
  }
  expect(KUBERNETES_VERSIONS).toContain('1.37'); // not vacuous: a version other than the default is tried
});
