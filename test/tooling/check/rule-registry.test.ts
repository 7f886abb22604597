/**
 * The rule registry is complete and has no dead entry: every code a rule reports is declared by
 * that rule with that severity (a static scan of the rule files, and every finding of a corpus:
 * the mutation cases, the fixture files, dist/ and a few cases below), and every declared code
 * is reported by its rule somewhere in that corpus. validate itself reports an undeclared code
 * as an internal-error, so every other validator test checks the declarations too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL_FIXTURES } from '../../support/fixture-paths';
import { goodObjects, MUTATIONS } from './mutation-cases';
import { Severity } from '../../../lib/tooling/check/finding';
import { loadManifests, ManifestObject, parseManifestText } from '../../../lib/tooling/check/manifest';
import { RuleContext } from '../../../lib/tooling/check/rule-context';
import { ALWAYS_ON_CODES } from '../../../lib/tooling/check/rule-table';
import { TEKTON_ADMISSION_RULE } from '../../../lib/tooling/check/tekton-admission';
import { codeOf, resolveDisabled, ruleCodes, RULES, UnknownRuleError } from '../../../lib/tooling/check/rule-registry';
import { SchemaValidator } from '../../../lib/tooling/check/schema-validator';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { KubeObject } from '../../support/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const CHECK = join(ROOT, 'lib', 'tooling', 'check');
const RULE_FILES = join(CHECK, 'rules');

describe('the registry entries', () => {
  test('ids are unique kebab-case words, distinct from every code; each rule declares its codes once', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.summary).toMatch(/^[^\n]{10,160}$/);
      expect(rule.codes.length).toBeGreaterThan(0);
      const codes = rule.codes.map((c) => c.code);
      expect({ rule: rule.id, duplicates: codes.filter((c, i) => codes.indexOf(c) !== i) }).toEqual({ rule: rule.id, duplicates: [] });
      for (const code of rule.codes) {
        expect(code.code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
        expect(code.summary).toMatch(/^[^\n]{8,200}$/);
      }
    }
    expect(ids.filter((id) => ruleCodes().includes(id))).toEqual([]);
  });

  test('every rule file defines exactly one registered rule, and the registry holds no other', () => {
    const files = readdirSync(RULE_FILES).filter((f) => f.endsWith('.ts'));
    const idsInFiles = files.flatMap((f) =>
      [...readFileSync(join(RULE_FILES, f), 'utf8').matchAll(/^ {2}id: '([a-z0-9-]+)',$/gm)].map((m) => m[1]),
    );
    expect(idsInFiles.length).toBe(files.length);
    expect([...idsInFiles].sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});

/** The rule defined in a rule file. */
function ruleOfFile(file: string) {
  const id = /^ {2}id: '([a-z0-9-]+)',$/m.exec(readFileSync(join(RULE_FILES, file), 'utf8'))![1];
  return RULES.find((r) => r.id === id)!;
}

describe('static scan: the codes written in the rule files are declared', () => {
  test.each(readdirSync(RULE_FILES).filter((f) => f.endsWith('.ts')))('%s', (file) => {
    const text = readFileSync(join(RULE_FILES, file), 'utf8');
    const rule = ruleOfFile(file);
    // A literal code followed by its severity: ctx.report(item, path, 'code', 'error', ...) and the local helpers.
    const written = [...text.matchAll(/'([a-z]+(?:-[a-z0-9]+)+)',\s*'(error|warning)'/g)].map((m) => [m[1]!, m[2] as Severity] as const);
    const undeclared = written.filter(([code, severity]) => {
      const declared = codeOf(rule, code);
      return !declared || (declared.severity !== severity && declared.severity !== 'error or warning');
    });
    expect(undeclared).toEqual([]);
  });

  test('the literal codes cover every non-dynamic declaration', () => {
    // Dynamic codes: psa-* (from the controls), the schema validator's codes, label/annotation codes passed down.
    const dynamic = new Set(['tekton-pod-security', 'schemas']);
    for (const file of readdirSync(RULE_FILES).filter((f) => f.endsWith('.ts'))) {
      const rule = ruleOfFile(file);
      if (dynamic.has(rule.id)) continue;
      const text = readFileSync(join(RULE_FILES, file), 'utf8').split(/^export const \w+: RuleDefinition/m)[0]!;
      expect({ rule: rule.id, unwritten: rule.codes.filter((c) => !text.includes(`'${c.code}'`)).map((c) => c.code) }).toEqual({
        rule: rule.id,
        unwritten: [],
      });
    }
  });

  test('the Tekton Pod Security checks use only declared psa codes, and each of them', () => {
    const tekton = readFileSync(join(RULE_FILES, 'tekton-security-rules.ts'), 'utf8');
    const tektonRule = RULES.find((r) => r.id === 'tekton-pod-security')!;
    // add(path, 'control', `message`): the control is the literal right before the message (a severity is not one).
    const tektonUsed = new Set([...tekton.matchAll(/,\s*'(?!error'|warning')([a-z0-9-]+)',\s*`/g)].map((m) => `psa-${m[1]}`));
    expect([...tektonUsed].sort()).toEqual(tektonRule.codes.map((c) => c.code).sort());
  });

  test("the schema validator's codes are declared by the schema rule", () => {
    const text = readFileSync(join(CHECK, 'schema-validator.ts'), 'utf8');
    const schemaRule = RULES.find((r) => r.id === 'schemas')!;
    const codes = [...text.matchAll(/\brule\s*=\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter((code) => !codeOf(schemaRule, code))).toEqual([]);
  });
});

/** Inputs that reach the codes the mutation cases and fixture files do not. */
const EXTRA_CASES: readonly string[] = [
  // missing-kind, schema-format, and the names rule on custom resources
  'apiVersion: v1\nmetadata: {name: a}\n',
  `apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    ports: [{containerPort: 3000000000}]\n`,
  `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: Bad_Task\n  labels: {app: "web app"}\n  annotations: {"bad key!": x}\nspec:\n  steps: [{name: s, image: "busybox:1.36"}]\n`,
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: locked\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n---
apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t, namespace: locked}\nspec:
  volumes: [{name: h, hostPath: {path: /}}, {name: n, nfs: {server: s, path: /}}]
  steps:\n  - name: s\n    image: busybox\n    securityContext:
      privileged: true\n      procMount: Unmasked\n      runAsUser: 0\n      runAsNonRoot: false\n      allowPrivilegeEscalation: true
      capabilities: {add: [NET_ADMIN]}\n      seLinuxOptions: {type: spc_t}\n      seccompProfile: {type: Unconfined}\n`,
];

/** A CRD whose spec is one of two shapes that are not plain types. */
const SHAPE_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: shapes.example.dev}
spec:
  group: example.dev
  scope: Namespaced
  names: {kind: Shape, plural: shapes, singular: shape, listKind: ShapeList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
            oneOf:
            - {type: object, required: [a], properties: {a: {type: string}}}
            - {type: string, enum: [x]}
`;

/** Every input of the corpus, as the objects of one validation run. */
function corpus(): ManifestObject[][] {
  const runs: ManifestObject[][] = [];
  const asRun = (objects: KubeObject[]) => objects.map((object, document) => ({ file: 'good-app.yaml', document, object }));
  runs.push(asRun(goodObjects()));
  for (const mutation of MUTATIONS) {
    const objects = goodObjects();
    mutation.mutate(objects);
    runs.push(asRun(objects));
  }
  for (const dir of [join(__dirname, 'fixtures'), KUBECTL_FIXTURES, join(ROOT, 'dist')]) {
    const loaded = loadManifests([dir]);
    for (const file of loaded.files) runs.push(loaded.objects.filter((o) => o.file === file));
  }
  EXTRA_CASES.forEach((text, i) => runs.push(parseManifestText(text, `extra-${i}.yaml`).objects));
  return runs;
}

test('the codes outside the rules are exactly the reading, internal and Tekton admission codes', () => {
  const manifest = readFileSync(join(CHECK, 'manifest.ts'), 'utf8');
  // The guarded reader (every file any command reads) names its refusals `rule: '<code>'`.
  const guardedRead = readFileSync(join(CHECK, 'guarded-read.ts'), 'utf8');
  const reading = new Set([
    ...[...manifest.matchAll(/fileFinding\(\s*[^,]+,\s*'([a-z0-9-]+)'/g)].map((m) => m[1]!),
    ...[...guardedRead.matchAll(/\brule: '([a-z0-9-]+)'/g)].map((m) => m[1]!),
  ]);
  expect(reading.size).toBeGreaterThan(4);
  expect([...ALWAYS_ON_CODES].sort()).toEqual([...reading, 'internal-error', TEKTON_ADMISSION_RULE].sort());
  expect(ALWAYS_ON_CODES.filter((code) => ruleCodes().includes(code))).toEqual([]);
  expect(() => resolveDisabled(['yaml-parse'])).toThrow(UnknownRuleError);
});

describe('the corpus: every finding is declared, every declaration is reported', () => {
  /** `rule-id code severity` of every finding each rule reports over the corpus. */
  const seen = new Set<string>();
  const runAll = (objects: readonly ManifestObject[], schemas: SchemaValidator) => {
    for (const rule of RULES) {
      const ctx = new RuleContext(objects, schemas);
      rule.check(ctx);
      for (const finding of ctx.findings) seen.add(`${rule.id} ${finding.rule} ${finding.severity}`);
    }
  };
  beforeAll(() => {
    const schemas = SchemaValidator.shared();
    for (const objects of corpus()) runAll(objects, schemas);
    // The generic `schema` code: a value matching none of the shapes of a oneOf, which no vendored schema has.
    const crds = mkdtempSync(join(tmpdir(), 'rule-registry-'));
    try {
      writeFileSync(join(crds, 'shape.yaml'), SHAPE_CRD);
      const shape = parseManifestText('apiVersion: example.dev/v1\nkind: Shape\nmetadata: {name: s}\nspec: 5\n', 'shape.yaml').objects;
      runAll(shape, SchemaValidator.shared({ crdDirs: [crds] }));
    } finally {
      rmSync(crds, { recursive: true, force: true });
    }
  }, 300_000);

  test('no rule reports a code or severity it does not declare', () => {
    const undeclared = [...seen].filter((entry) => {
      const [id, code, severity] = entry.split(' ');
      const declared = codeOf(
        RULES.find((r) => r.id === id)!,
        code!,
      );
      return !declared || (declared.severity !== severity && declared.severity !== 'error or warning');
    });
    expect(seen.size).toBeGreaterThan(30);
    expect(undeclared).toEqual([]);
  });

  test('no declared code is dead: each is reported by its rule, with each severity it declares', () => {
    const dead = RULES.flatMap((rule) =>
      rule.codes.flatMap((c) => {
        const severities: Severity[] = c.severity === 'error or warning' ? ['error', 'warning'] : [c.severity];
        return severities.filter((s) => !seen.has(`${rule.id} ${c.code} ${s}`)).map((s) => `${rule.id} ${c.code} ${s}`);
      }),
    );
    expect(dead).toEqual([]);
  });
});

describe('disable', () => {
  test('takes rule ids and codes; anything else is refused with the allowed values', () => {
    expect(resolveDisabled([])).toEqual({ rules: [], codes: [] });
    expect(resolveDisabled(['invalid-label', 'names', 'schemas', 'invalid-label'])).toEqual({
      rules: ['schemas', 'names'],
      codes: ['invalid-label'],
    });
    expect(() => resolveDisabled(['port-rnage'])).toThrow(UnknownRuleError);
    expect(() => resolveDisabled(['port-rnage'])).toThrow(
      /^unknown rule or code "port-rnage"; expected one of schemas, names, .*, missing-reference, /,
    );
  });

  test('hides the disabled findings and says so; an error that is only disabled no longer counts', () => {
    const text = readFileSync(join(__dirname, 'fixtures', 'broken-pod.yaml'), 'utf8');
    const all = validateYaml(text, 'broken-pod.yaml');
    expect(all.findings.map((f) => f.rule)).toEqual(['missing-reference', 'schema-unknown-field']);
    expect(all.disabled).toEqual({ rules: [], codes: [], hidden: 0 });
    const some = validateYaml(text, 'broken-pod.yaml', { disable: ['references'] });
    expect(some.findings.map((f) => f.rule)).toEqual(['schema-unknown-field']);
    expect(some).toMatchObject({ errors: 1, warnings: 0, disabled: { rules: ['references'], codes: [], hidden: 1 } });
    const none = validateYaml(text, 'broken-pod.yaml', { disable: ['schema-unknown-field', 'missing-reference'] });
    expect(none).toMatchObject({
      findings: [],
      errors: 0,
      disabled: { rules: [], codes: ['schema-unknown-field', 'missing-reference'], hidden: 2 },
    });
    expect(() => validateYaml(text, 'broken-pod.yaml', { disable: ['nope'] })).toThrow(/unknown rule or code "nope"/);
  });

  test('a rule id turns off that rule only; a code turns off its findings', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ci\n  labels: {pod-security.kubernetes.io/enforce: baseline}\n---
apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t, namespace: ci}\nspec:\n  steps: [{name: s, image: busybox, securityContext: {privileged: true}}]\n`;
    const kinds = (disable: string[]) => validateYaml(text, 'ci.yaml', { disable }).findings.map((f) => `${f.kind} ${f.rule}`);
    expect(kinds([])).toEqual(['Task image-not-pinned', 'Task psa-privileged']);
    expect(kinds(['tekton-pod-security'])).toEqual(['Task image-not-pinned']);
    expect(kinds(['images'])).toEqual(['Task psa-privileged']);
    expect(kinds(['psa-privileged'])).toEqual(['Task image-not-pinned']);
  });

  test('a code two rules share is off in both; the rule id of one leaves it on in the other', () => {
    const shared = [
      {
        id: 'first',
        summary: 'the first rule',
        codes: [{ code: 'shared-code', severity: 'error' as const, summary: 'a shared code' }],
        check: () => undefined,
      },
      {
        id: 'second',
        summary: 'the second rule',
        codes: [{ code: 'shared-code', severity: 'error' as const, summary: 'a shared code' }],
        check: () => undefined,
      },
    ];
    expect(resolveDisabled(['first'], shared)).toEqual({ rules: ['first'], codes: [] });
    expect(resolveDisabled(['shared-code'], shared)).toEqual({ rules: [], codes: ['shared-code'] });
  });
});

test('validate reports a code a rule does not declare as an internal-error, keeping the finding', () => {
  const images = RULES.find((r) => r.id === 'images')! as { check: (ctx: RuleContext) => void };
  const original = images.check;
  images.check = (ctx) => ctx.report(ctx.objects[0]!, ['spec'], 'made-up-code', 'warning', 'a finding of an undeclared code');
  try {
    const result = validateYaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'c.yaml');
    expect(result.findings.map((f) => `${f.rule} ${f.severity}: ${f.message}`)).toEqual([
      'internal-error error: rule images reported made-up-code (warning), which its registry entry does not declare; please report it',
      'made-up-code warning: a finding of an undeclared code',
    ]);
  } finally {
    images.check = original;
  }
});
