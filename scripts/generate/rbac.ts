/** docs/generated/rbac.md: every Role, ClusterRole and binding the app emits, with their verbs. */
import { Testing } from 'cdk8s';
import { EXERCISES } from '../../lib/exercises/catalog';
import { withScratchApp } from '../scratch-app';
import { generatedPage, Generator } from './generator';

/** A synthesized RBAC object. */
export interface RbacObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly rules?: { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs: string[] }[];
  readonly roleRef?: { kind: string; name: string };
  readonly subjects?: { kind: string; name: string; namespace?: string }[];
}

const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/** Every RBAC object of every exercise, in chart order. */
export function rbacObjects(): RbacObject[] {
  return EXERCISES.flatMap((e) => withScratchApp((app) => Testing.synth(e.build(app, e.id)) as RbacObject[])).filter((o) =>
    RBAC_KINDS.includes(o.kind),
  );
}

const where = (o: RbacObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const code = (items: string[] | undefined) => (items ?? []).map((i) => `\`${i === '' ? '""' : i}\``).join(', ');

/** The Markdown table. */
export function renderRbacTable(objects: RbacObject[] = rbacObjects()): string {
  const rows = objects.map((o) => {
    if (o.rules) {
      const rules = o.rules.map(
        (r) =>
          `${code(r.verbs)} on ${code(r.resources)} (group ${code(r.apiGroups)}${r.resourceNames ? `; only ${code(r.resourceNames)}` : ''})`,
      );
      return `| ${o.kind} | \`${where(o)}\` | ${rules.join('<br>')} |`;
    }
    const subjects = (o.subjects ?? []).map((s) => `${s.kind} \`${s.namespace ? `${s.namespace}/` : ''}${s.name}\``).join(', ');
    return `| ${o.kind} | \`${where(o)}\` | ${subjects} -> ${o.roleRef?.kind} \`${o.roleRef?.name}\` |`;
  });
  return ['| kind | name | grants |', '| --- | --- | --- |', ...rows].join('\n');
}

export const rbac: Generator = {
  output: 'docs/generated/rbac.md',
  render: () =>
    generatedPage(
      'the synthesized charts (scripts/generate/rbac.ts)',
      'Every Role, ClusterRole and binding the app emits',
      `Why each grant is there: [exercise 8, Permissions](../exercises/08-ci-pipeline.md#permissions-least-privilege).\n\n${renderRbacTable()}`,
    ),
};
