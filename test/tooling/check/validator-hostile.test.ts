/**
 * The validator and CLI on hostile files: `__proto__` keys, quantity syntax and
 * bounds (one parser, Go's), denial-of-service limits, bad files as findings while the other
 * files are still checked, and `graph` on the shapes `validate` handles.
 *
 * The Go vectors (fixtures/go-quantity-vectors.json, fixtures/go-ip-vectors.json) were produced
 * once by a throwaway Go program (not committed) calling k8s.io/apimachinery v0.28.15
 * `resource.ParseQuantity` (printing `AsDec()` times 10^9) and k8s.io/utils/net `ParseIPSloppy`
 * plus the `net.IP` methods `ValidateNonSpecialIP` uses, on the inputs listed in the files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateEngine } from '../../../lib/tooling/check/api-server-engine';
import { CommandIO } from '../../../lib/tooling/cli/command-io';
import { compareYaml } from '../../../lib/tooling/compare/compare';
import { MAX_DOCUMENTS, MAX_FILE_BYTES } from '../../../lib/tooling/check/manifest';
import { validatePaths, validateYaml } from '../../../lib/tooling/check/validate';
import { runValidate } from '../../../lib/tooling/cli/validate-command';
import { runGraph } from '../../../lib/tooling/cli/graph-command';
import { parseQuantityText, readQuantity } from '../../../lib/util/exact-quantity';
import { endpointAddressProblem, ipFamily, parseIp } from '../../../lib/util/k8s-syntax';
import { isQuantity } from '../../../lib/util/resource-quantity';
import goIps from './fixtures/go-ip-vectors.json';
import goQuantities from './fixtures/go-quantity-vectors.json';

const brief = (text: string) => validateYaml(text, 'in.yaml').findings.map((f) => `${f.path} [${f.rule}]`);
/** What `validate` finds with the API server's own checks (the validation engine), as `path [rule] message`. */
const judged = (text: string) =>
  validateYaml(text, 'in.yaml', { apiServer: 'auto' }).findings.map((f) => `${f.path} [${f.rule}] ${f.message}`);
/** The tests through the engine are skipped when no build of it is there. */
const withEngine = 'unavailable' in locateEngine('auto') ? test.skip : test;

function collect(): CommandIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

const pod = (resources: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: busybox:1.36
    resources: ${resources}
`;

describe('__proto__ keys are ordinary fields', () => {
  test('a Pod whose containers sit under spec.__proto__ is not valid', () => {
    const findings = brief('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  __proto__:\n    containers: [{name: x, image: y}]\n');
    expect(findings).toEqual(expect.arrayContaining(['spec.__proto__ [schema-unknown-field]', 'spec.containers [schema-required]']));
  });

  test('compare tells ConfigMaps apart that differ only under a __proto__ key', () => {
    const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  __proto__: {a: ${v}}\n`;
    const result = compareYaml(cm('b'), cm('c'));
    expect(result.equal).toBe(false);
    expect(result.objects[0].differences.map((d) => d.path)).toEqual(['data.__proto__.a']);
  });
});

describe("quantities: one parser, Go's syntax, with bounds", () => {
  test.each([
    ['{requests: {cpu: lots}}', 'spec.containers[0].resources.requests.cpu'],
    ['{limits: {memory: "1 Gi"}}', 'spec.containers[0].resources.limits.memory'],
    ['{limits: {memory: 1Gb}}', 'spec.containers[0].resources.limits.memory'],
    ['{requests: {cpu: "1e999999999"}}', 'spec.containers[0].resources.requests.cpu'],
    ['{requests: {cpu: 1e999999999}}', 'spec.containers[0].resources.requests.cpu'],
  ])('%s is an invalid-quantity error at its field', (resources, path) => {
    const started = Date.now();
    expect(brief(pod(resources))).toContain(`${path} [invalid-quantity]`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('quota pods "ten" and PVC storage "10 GB" are errors with their paths', () => {
    expect(brief('apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec: {hard: {pods: ten}}\n')).toEqual([
      'spec.hard.pods [invalid-quantity]',
    ]);
    expect(
      brief(
        'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10 GB}}}\n',
      ),
    ).toEqual(['spec.resources.requests.storage [invalid-quantity]']);
  });

  test('the message names the value and what is allowed', () => {
    const [finding] = validateYaml(pod('{requests: {cpu: lots}}')).findings;
    expect(finding.message).toMatch(/invalid quantity "lots".*expected a Kubernetes quantity such as "500m"/);
  });

  test('a Tekton step quantity goes through the same parser', () => {
    const task =
      'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: t}\nspec:\n  steps:\n  - name: s\n    image: busybox:1.36\n    computeResources: {requests: {memory: 1Gb}}\n';
    expect(brief(task)).toContain('spec.steps[0].computeResources.requests.memory [invalid-quantity]');
  });

  test('white space around a quantity is trimmed as the API server trims it', () => {
    expect(brief(pod('{requests: {cpu: " 250m "}}'))).toEqual([]);
    expect(readQuantity('\u00852\u3000').quantity?.num).toBe(2n);
    expect(readQuantity('\uFEFF2').problem).toBeDefined(); // Go does not trim U+FEFF
  });

  test(`agrees with resource.ParseQuantity on ${goQuantities.length} Go vectors (value to the nano unit, or both refuse)`, () => {
    for (const vector of goQuantities as { in: string; ok: boolean; nano?: string }[]) {
      const reading = parseQuantityText(vector.in);
      if (!vector.ok) {
        expect({ in: vector.in, problem: typeof reading.problem }).toEqual({ in: vector.in, problem: 'string' });
      } else if (reading.problem) {
        expect({ in: vector.in, problem: reading.problem }).toEqual({ in: vector.in, problem: expect.stringMatching(/beyond/) });
      } else {
        const q = reading.quantity!;
        expect({ in: vector.in, nano: ((q.num * 1000000000n) / q.den).toString() }).toEqual({ in: vector.in, nano: vector.nano });
      }
    }
  });

  test('prop checks use the same parser and also want a digit', () => {
    expect(['1', '250m', '1.5Gi', '1e3', '+1'].every(isQuantity)).toBe(true);
    expect(['Ki', 'm', '.', '1 Gi', '1Gb', 'lots', '1e999999999'].some(isQuantity)).toBe(false);
  });
});

describe('denial of service: limits fail fast with a finding', () => {
  test(`more than ${MAX_DOCUMENTS} documents (200k tiny ones) is one finding, in seconds`, () => {
    const started = Date.now();
    const result = validateYaml('---\na: 1\n'.repeat(200000), 'many.yaml');
    expect(result.findings.map((f) => f.rule)).toEqual(['too-many-documents']);
    expect(Date.now() - started).toBeLessThan(15000);
  });

  test('an alias bomb is a finding, not an abort', () => {
    let text = 'a: &a [x,x,x,x,x,x,x,x,x]\n';
    for (let i = 1; i < 10; i++)
      text += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]\n`;
    expect(validateYaml(text, 'bomb.yaml').findings.map((f) => `${f.rule} ${f.message}`)).toEqual([
      expect.stringMatching(/^yaml-parse document 1: Excessive alias count/),
    ]);
  });

  withEngine('a ConfigMap over 1 MiB and a Secret over 1 MiB are refused by the API server (the engine)', () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    expect(judged(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: ${big}}\n`)).toEqual([
      ' [api-server] The ConfigMap "c" is invalid: []: Too long: must have at most 1048576 bytes',
    ]);
    expect(judged(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: ${big}}\n`)).toEqual([
      'data [api-server] The Secret "s" is invalid: data: Too long: must have at most 1048576 bytes',
    ]);
    expect(judged(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: ${'x'.repeat(1024 * 1024)}}\n`)).toEqual([]);
  });
});

describe('each bad file is a finding naming it; the other files are still checked', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hostile-files-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\ndata: {a: b}\n');
    symlinkSync('/nonexistent/target.yaml', join(dir, 'dangling.yaml'));
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    writeFileSync(join(dir, 'list.yaml'), 'apiVersion: v1\nkind: List\nitems: [null, 5]\n');
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.concat([
        Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: "'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('validate reports every bad file and still validates the good one (exit 1)', () => {
    const io = collect();
    const started = Date.now();
    expect(runValidate([dir, '--format', 'json'], io)).toBe(1);
    expect(Date.now() - started).toBeLessThan(20000);
    const { findings, summary } = JSON.parse(io.lines.join('\n'));
    const byFile = findings.map((f: { file: string; rule: string }) => `${f.file.slice(dir.length + 1)} ${f.rule}`).sort();
    expect(byFile).toEqual([
      'dangling.yaml unreadable',
      'fifo.yaml unreadable',
      'huge.yaml file-too-large',
      'latin1.yaml not-utf8',
      'list.yaml not-an-object',
      'list.yaml not-an-object',
      'loop.yaml unreadable',
    ]);
    expect(summary.objects).toBe(1); // good.yaml, read once although sub/up leads back to it
  });

  test('a FIFO given by name is refused at once, not read forever', () => {
    const result = validatePaths([join(dir, 'fifo.yaml')]);
    expect(result.findings.map((f) => f.message)).toEqual([expect.stringMatching(/not a regular file/)]);
  });

  test('compare names the file it cannot read', () => {
    const io = collect();
    expect(() => runValidate([join(dir, 'latin1.yaml')], io)).not.toThrow();
    expect(io.lines[0]).toMatch(/latin1\.yaml.*not-utf8.*invalid byte 0xe9/);
  });
});

describe('graph draws what validate handles', () => {
  test.each([
    ['volumes: 5', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {volumes: 5, containers: 7}\n'],
    ['selector as a string', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: abc}\n'],
    [
      'subjects as a map',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nsubjects: {a: 1}\nroleRef: 3\n',
    ],
    [
      'triggers of numbers',
      'apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata: {name: e}\nspec: {triggers: [1, null, {bindings: 2}]}\n',
    ],
    [
      'env of nulls',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [null, {env: [null, 1]}], volumes: [null]}}}\n',
    ],
    ['no metadata', 'apiVersion: v1\nkind: ConfigMap\n'],
  ])('%s: no crash, the file gets its diagram or a message', (_title, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-graph-'));
    try {
      writeFileSync(join(dir, 'x.yaml'), text);
      const io = collect();
      const code = runGraph([join(dir, 'x.yaml')], io);
      expect(io.errors.filter((e) => /cannot draw|TypeError|not iterable/.test(e))).toEqual([]);
      expect(io.lines.join('\n')).toContain('flowchart');
      expect([0, 1]).toContain(code);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('IP addresses as Go reads them', () => {
  test(`agrees with ParseIPSloppy and the net.IP classification on ${goIps.length} Go vectors`, () => {
    for (const vector of goIps as { in: string; bytes?: string; ipv4: boolean; special?: string }[]) {
      const ip = parseIp(vector.in);
      expect({
        in: vector.in,
        bytes: ip && Buffer.from(ip).toString('hex'),
        ipv4: vector.bytes ? ipFamily(vector.in) === 'IPv4' : false,
      }).toEqual({ in: vector.in, bytes: vector.bytes, ipv4: vector.ipv4 });
      expect({ in: vector.in, refused: endpointAddressProblem(vector.in) !== undefined }).toEqual({
        in: vector.in,
        refused: !vector.bytes || !!vector.special,
      });
    }
  });

  test.each(['0:0:0:0:0:0:0:1', '::0001', '::ffff:7f00:1', '::ffff:a9fe:101', 'fe80::1%eth0'])('%s is refused', (ip) => {
    expect(endpointAddressProblem(ip)).toBeDefined();
  });

  test('fe8::1 (fe08::1, not link-local) is accepted', () => {
    expect(endpointAddressProblem('fe8::1')).toBeUndefined();
  });

  withEngine('an IPv4-mapped address in an IPv6 EndpointSlice is refused by the API server (the engine)', () => {
    const slice =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s, labels: {kubernetes.io/service-name: s}}\naddressType: IPv6\nendpoints: [{addresses: ["::ffff:192.0.2.1"]}]\nports: []\n';
    expect(judged(slice)).toEqual([
      'endpoints[0].addresses[0] [api-server] The EndpointSlice "s" is invalid: endpoints[0].addresses[0]: Invalid value: "::ffff:192.0.2.1": must be a valid IPv6 address',
    ]);
  });
});
