/**
 * Lists every Role, ClusterRole and binding the app emits, with their verbs,
 * in README.md between `<!-- rbac:start -->` and `<!-- rbac:end -->`.
 * Run `npm run docs`; a test fails when the list is stale or holds a wildcard.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Testing } from 'cdk8s';
import { EXERCISES } from '../lib/exercises/catalog';
import { README } from './readme-graphs';
import { replaceSection } from './readme-section';
import { withScratchApp } from './scratch-app';

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

if (require.main === module) {
  writeFileSync(README, replaceSection(readFileSync(README, 'utf8'), 'rbac', renderRbacTable()));
  console.log('README.md: RBAC table updated');
}
