import { readFileSync } from 'node:fs';
import { README } from '../../scripts/readme-graphs';
import { rbacObjects, renderRbacTable } from '../../scripts/readme-rbac';

/** ClusterRoles the Tekton Triggers release ships; the app binds them and never defines them. */
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

  test('no ClusterRole is defined, and cluster-wide bindings only point at the Triggers ClusterRoles', () => {
    expect(objects.filter((o) => o.kind === 'ClusterRole')).toEqual([]);
    const clusterRefs = objects.filter((o) => o.roleRef?.kind === 'ClusterRole').map((o) => o.roleRef!.name);
    expect(clusterRefs.length).toBeGreaterThan(0);
    for (const name of clusterRefs) expect(TRIGGERS_CLUSTER_ROLES).toContain(name);
  });

  test('every rule that can change an object is limited to named objects, and none may create', () => {
    expect(objects.flatMap((o) => (o.rules ?? []).filter((r) => r.verbs.includes('create')))).toEqual([]);
    const unbounded = objects.flatMap((o) =>
      (o.rules ?? [])
        // (create cannot be limited by name in Kubernetes RBAC; none of the app's rules grants it)
        .filter((r) => r.verbs.some((v) => ['update', 'patch', 'delete'].includes(v)) && !r.resourceNames?.length)
        .map(() => `${o.kind}/${o.metadata.name}`),
    );
    expect(unbounded).toEqual([]);
  });

  test('the README lists every Role and binding (run `npm run docs` when this fails)', () => {
    expect(readFileSync(README, 'utf8')).toContain(renderRbacTable(objects));
  });
});
