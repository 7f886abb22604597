/** The RBAC objects of the app grant least privilege: no wildcards, no Secrets, writes only to named objects; the generated RBAC page lists them all. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rbac, rbacObjects, renderRbacTable } from '../../../scripts/generate/rbac';

/**
 * ClusterRoles the Tekton Triggers release ships for listeners; the app binds neither: the second
 * lets its subject read every Secret in the cluster, which the EventListener sink never does.
 */
const TRIGGERS_CLUSTER_ROLES = ['tekton-triggers-eventlistener-roles', 'tekton-triggers-eventlistener-clusterroles'];

describe('least privilege', () => {
  const objects = rbacObjects();

  test('the app emits RBAC objects to check', () => {
    expect(objects.length).toBeGreaterThan(0);
  });

  test('no wildcard verb, resource or API group', () => {
    const wildcards = objects.flatMap((o) =>
      (o.rules ?? []).flatMap((r, i) =>
        [...r.verbs, ...(r.resources ?? []), ...(r.apiGroups ?? [])]
          .filter((x) => x.includes('*'))
          .map((x) => `${o.kind}/${o.metadata.name} rules[${i}]: ${x}`),
      ),
    );
    expect(wildcards).toEqual([]);
  });

  test('every binding points at a role the app defines, never at the Triggers release ClusterRoles', () => {
    const bindings = objects.filter((o) => o.roleRef);
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(TRIGGERS_CLUSTER_ROLES).not.toContain(binding.roleRef!.name);
      const role = objects.find(
        (o) =>
          o.kind === binding.roleRef!.kind &&
          o.metadata.name === binding.roleRef!.name &&
          (o.kind === 'ClusterRole' || o.metadata.namespace === binding.metadata.namespace),
      );
      expect({ binding: binding.metadata.name, role: role?.metadata.name }).toEqual({
        binding: binding.metadata.name,
        role: binding.roleRef!.name,
      });
    }
  });

  test('no rule grants anything on Secrets', () => {
    expect(objects.flatMap((o) => (o.rules ?? []).filter((r) => (r.resources ?? []).includes('secrets')))).toEqual([]);
  });

  test('ClusterRoles only read (list, watch) cluster-scoped Triggers objects: no namespaced resource, no write, cluster-wide', () => {
    const clusterRules = objects.filter((o) => o.kind === 'ClusterRole').flatMap((o) => o.rules ?? []);
    expect(clusterRules.length).toBeGreaterThan(0);
    for (const rule of clusterRules) {
      expect(rule).toEqual({
        apiGroups: ['triggers.tekton.dev'],
        resources: ['clusterinterceptors', 'clustertriggerbindings'],
        verbs: ['list', 'watch'],
      });
    }
  });

  test('every rule that can change an object is limited to named objects; the only create is of Tekton runs, in a namespace', () => {
    const creates = objects.flatMap((o) => (o.rules ?? []).filter((r) => r.verbs.includes('create')).map((r) => ({ kind: o.kind, ...r })));
    expect(creates.length).toBeGreaterThan(0);
    for (const rule of creates) {
      // create cannot be limited by name in Kubernetes RBAC: it is limited to the runs a listener's templates make
      expect(rule.kind).toBe('Role');
      expect(rule.apiGroups).toEqual(['tekton.dev']);
      expect(rule.verbs).toEqual(['create']);
      for (const resource of rule.resources ?? []) expect(['pipelineruns', 'taskruns']).toContain(resource);
    }
    const unbounded = objects.flatMap((o) =>
      (o.rules ?? [])
        .filter((r) => r.verbs.some((v) => ['update', 'patch', 'delete', 'impersonate'].includes(v)) && !r.resourceNames?.length)
        .map(() => `${o.kind}/${o.metadata.name}`),
    );
    expect(unbounded).toEqual([]);
  });

  test('the docs list every Role and binding (run `npm run generate` when this fails)', () => {
    expect(readFileSync(join(__dirname, '..', '..', '..', rbac.output), 'utf8')).toContain(renderRbacTable(objects));
  });
});
