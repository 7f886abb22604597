import { readFileSync } from 'node:fs';
import {
  API_MD, ApiModel, CHECK_INDEX, Doc, FieldModel, documentedInterfaces, findDocGaps, loadApi, renderApiReference,
} from '../../scripts/api-reference';

// Reading lib/ with the compiler API takes a few seconds; do it once per entry point.
let api: ApiModel;
let check: ApiModel;
beforeAll(() => {
  api = loadApi();
  check = loadApi(CHECK_INDEX);
}, 120_000);

const doc = (text: string, tags: Record<string, string> = {}): Doc => ({ text, tags: new Map(Object.entries(tags)) });
const field = (name: string, optional: boolean, d: Doc): FieldModel => ({ name, type: 'string', optional, readonly: true, isStatic: false, doc: d });

describe('docs/API.md', () => {
  test('is current (run `npm run docs` when this fails)', () => {
    const fresh = renderApiReference(api, check);
    const written = readFileSync(API_MD, 'utf8');
    if (written !== fresh) {
      const a = written.split('\n');
      const b = fresh.split('\n');
      let line = 0;
      while (line < a.length && a[line] === b[line]) line++;
      throw new Error(
        `docs/API.md is stale: run \`npm run docs\`.\nFirst difference at line ${line + 1}:\n`
        + `  written: ${a[line] ?? '<end of file>'}\n  fresh:   ${b[line] ?? '<end of file>'}`,
      );
    }
  });

  test('has a section for every exported class and a row for every props field', () => {
    const markdown = renderApiReference(api, check);
    for (const c of api.classes) {
      expect(markdown).toMatch(new RegExp(`^#{3,4} ${c.name}$`, 'm'));
      const props = c.propsInterface ? api.interfaces.get(c.propsInterface) : undefined;
      for (const f of props?.fields ?? []) expect(markdown).toContain(`| \`${f.name}\` |`);
    }
  });

  test('lists constructs before other classes, in the folder order of lib/', () => {
    const markdown = renderApiReference(api, check);
    const order = ['project', 'pod', 'service', 'network', 'gogs', 'registry', 'tekton'].map((f) => `lib/constructs/${f}`).concat('lib/exercises')
      .map((folder) => markdown.indexOf(`\n### ${folder}\n`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(markdown.indexOf('## Constructs')).toBeLessThan(markdown.indexOf('## Other classes'));
  });

  test('takes defaults from @default and marks required fields', () => {
    const markdown = renderApiReference(api, check);
    const runPod = markdown.slice(markdown.indexOf('#### RunPod\n'), markdown.indexOf('#### SharedProcessNamespacePod\n'));
    expect(runPod).toMatch(/^\| `name` \| <code>string<\/code> \| \*required\* \|/m);
    expect(runPod).toMatch(/^\| `port` \| <code>number<\/code> \| 8080 for the default image/m);
    // Inherited fields are shown with the interface they come from.
    expect(markdown).toMatch(/^\| `servicePort` \| <code>number<\/code> \| the pod's first declared port \| .* <sub>from ExposeOptions<\/sub> \|$/m);
  });

  test('holds no machine paths or timestamps', () => {
    const markdown = renderApiReference(api, check);
    expect(markdown).not.toContain(process.cwd());
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

describe('the `k8s-practice-constructs/check` entry point in docs/API.md', () => {
  test('has its own section after the package root, with every export of lib/check-api.ts', () => {
    const markdown = renderApiReference(api, check);
    const section = markdown.slice(markdown.indexOf('\n## `k8s-practice-constructs/check`\n'));
    expect(section.length).toBeLessThan(markdown.length);
    expect(markdown.indexOf('\n## Constants\n')).toBeLessThan(markdown.indexOf('\n## `k8s-practice-constructs/check`\n'));
    for (const name of ['validatePaths', 'validateYaml', 'validateObjects', 'compareFiles', 'buildObjectGraph', 'toMermaid', 'RULES']) {
      expect(section).toContain(`\`${name}\``);
    }
    for (const c of check.classes) expect(section).toMatch(new RegExp(`^#### ${c.name}$`, 'm'));
    for (const name of check.exportedInterfaces) expect(section).toMatch(new RegExp(`^#### ${name}$`, 'm'));
    for (const o of check.others) expect(section).toContain(`\`${o.name}\` |`);
    // The module's own doc comment, with its example as a code block.
    expect(section).toContain("import { validatePaths, formatFinding } from 'k8s-practice-constructs/check';");
  });

  test('every class, interface and field it exports has a doc comment', () => {
    const undocumented = [
      ...check.classes.filter((c) => !c.doc.text).map((c) => c.name),
      ...check.classes.flatMap((c) => c.properties.filter((p) => !p.doc.text).map((p) => `${c.name}.${p.name}`)),
      ...check.exportedInterfaces.filter((name) => !check.interfaces.get(name)!.doc.text),
      ...check.exportedInterfaces.flatMap((name) =>
        check.interfaces.get(name)!.fields.filter((f) => !f.doc.text).map((f) => `${f.inheritedFrom ?? name}.${f.name}`)),
      ...check.others.filter((o) => !o.doc.text).map((o) => o.name),
    ];
    expect(undocumented).toEqual([]);
  });

  test('is not read as constructs by `explain` (its classes are no construct sections)', () => {
    const markdown = renderApiReference(api, check);
    const constructs = markdown.slice(markdown.indexOf('\n## Constructs\n'), markdown.indexOf('\n## Other classes\n'));
    expect(constructs).not.toContain('#### SchemaValidator');
  });
});

describe('doc comments', () => {
  test('the checked interfaces include every props interface and the ones they use', () => {
    const checked = documentedInterfaces(api);
    for (const name of ['RunPodProps', 'PodServiceProps', 'ExposeOptions', 'EndpointPortProps', 'SecretKeyReference',
      'RegistryNotificationEndpoint', 'ProjectQuota', 'ContainerSize', 'GogsServerProps', 'WebhookListenerProps']) {
      expect(checked).toContain(name);
    }
    for (const name of api.exportedInterfaces.filter((n) => n.endsWith('Props'))) expect(checked).toContain(name);
  });

  test('every exported class has a doc comment', () => {
    expect(findDocGaps(api).undocumentedClasses).toEqual([]);
  });

  test('every field of a props interface (and of the interfaces it uses) has a doc comment', () => {
    expect(findDocGaps(api).undocumentedFields).toEqual([]);
  });

  test('every optional field of a *Props / *Options interface has an @default tag', () => {
    expect(findDocGaps(api).optionalWithoutDefault).toEqual([]);
  });

  test('the check reports offenders as Interface.field', () => {
    const model: ApiModel = {
      classes: [{ name: 'Bare', file: 'lib/x/bare.ts', folder: 'x', doc: doc(''), isConstruct: true, properties: [], methods: [] }],
      exportedInterfaces: ['BareProps'],
      interfaces: new Map([
        ['BareProps', {
          name: 'BareProps', file: 'lib/x/bare.ts', doc: doc(''), extends: [], uses: ['Part'],
          fields: [
            field('documented', true, doc('Has both.', { default: '1' })),
            field('noDefault', true, doc('Optional without a default.')),
            field('silent', false, doc('', {})),
            field('onlyTag', true, doc('', { default: "'x'" })),
          ],
        }],
        ['Part', {
          name: 'Part', file: 'lib/x/part.ts', doc: doc('Used by BareProps.'), extends: [], uses: [],
          fields: [field('loose', true, doc('Optional, but Part is no props interface.')), field('mute', false, doc(''))],
        }],
      ]),
      others: [],
    };
    expect(findDocGaps(model)).toEqual({
      undocumentedClasses: ['Bare'],
      undocumentedFields: ['BareProps.onlyTag', 'BareProps.silent', 'Part.mute'],
      optionalWithoutDefault: ['BareProps.noDefault'],
    });
  });
});
