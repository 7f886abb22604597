/**
 * Property tests for hostile input classes, each generated rather than listed:
 * quantity syntax (one parser, Go's grammar), IPv6 forms (Go's 16-byte reading), and hostile
 * YAML shapes (the validator and the graph never throw, whatever the shape).
 */
import * as fc from 'fast-check';
import { Document } from 'yaml';
import { compareYaml } from '../../../lib/tooling/compare/compare';
import { parseManifestText } from '../../../lib/tooling/check/manifest';
import { validateYaml } from '../../../lib/tooling/check/validate';
import { buildObjectGraph, SynthesizedObject } from '../../../lib/tooling/graph/object-graph';
import { toMermaid } from '../../../lib/tooling/graph/mermaid';
import { compareQuantities, ExactQuantity, parseQuantityText, readQuantity } from '../../../lib/util/exact-quantity';
import { endpointAddressProblem, ipFamily, parseIp } from '../../../lib/util/k8s-syntax';

const RUNS = 250;
const check = (property: fc.IProperty<any>) => fc.assert(property, { numRuns: RUNS });

// ---------------------------------------------------------------- quantities

const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
const SUFFIXES = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const quantityParts = fc
  .record({
    sign: fc.constantFrom('', '+', '-'),
    whole: digits(12),
    fraction: fc.option(digits(9), { nil: undefined }),
    suffix: fc.oneof(
      fc.constantFrom(...SUFFIXES),
      fc
        .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 40 }))
        .map(([e, s, n]) => `${e}${s}${n}`),
    ),
    // Go's grammar needs at least one digit or "." before the suffix ("", "+" and "k" are refused)
  })
  .filter((p) => p.whole !== '' || p.fraction !== undefined);
const text = (p: { sign: string; whole: string; fraction?: string; suffix: string }) =>
  `${p.sign}${p.whole}${p.fraction === undefined ? '' : `.${p.fraction}`}${p.suffix}`;
const value = (t: string): ExactQuantity => {
  const reading = parseQuantityText(t);
  if (!reading.quantity) throw new Error(`${t}: ${reading.problem}`);
  return reading.quantity;
};
const scaled = (q: ExactQuantity, factor: bigint): ExactQuantity => ({ num: q.num * factor, den: q.den, text: '' });

describe('quantity syntax (generated)', () => {
  test('every text built from the grammar parses; a digit-free one is zero, as in Go', () => {
    check(
      fc.property(quantityParts, (p) => {
        const q = value(text(p));
        if (!/\d/.test(`${p.whole}${p.fraction ?? ''}`) || /^0*$/.test(`${p.whole}${p.fraction ?? ''}`)) expect(q.num).toBe(0n);
      }),
    );
  });

  test('suffixes mean what they say: k = e3, Mi = 1024 Ki, m * 1000 = 1, and the sign negates', () => {
    const whole = fc.stringMatching(/^[1-9][0-9]{0,8}$/);
    check(
      fc.property(whole, fc.option(fc.stringMatching(/^[0-9]{1,3}$/), { nil: undefined }), (w, f) => {
        const n = f === undefined ? w : `${w}.${f}`;
        expect(compareQuantities(value(`${n}k`), value(`${n}e3`))).toBe(0);
        expect(compareQuantities(value(`${n}G`), value(`${n}E9`))).toBe(0);
        expect(compareQuantities(value(`${w}Mi`), scaled(value(`${w}Ki`), 1024n))).toBe(0);
        expect(compareQuantities(scaled(value(`${w}m`), 1000n), value(w))).toBe(0);
        expect(value(`-${n}`).num).toBe(-value(n).num);
      }),
    );
  });

  test('breaking a valid text (a space, "b", an unknown letter) makes it an error, never a crash', () => {
    const breaker = fc.constantFrom(' ', 'b', 'B', 'x', 'K', 'ki', 'i', '_', ',', '1.', 'e');
    check(
      fc.property(quantityParts, breaker, fc.nat(), (p, insert, at) => {
        const base = `${p.whole || '1'}${p.suffix}`;
        const position = base.length === 0 ? 0 : Math.max(1, at % (base.length + 1));
        const broken = `${base.slice(0, position)}${insert}${base.slice(position)}`;
        const reading = parseQuantityText(broken);
        // Some insertions are still valid (e.g. "1e" + "1" digits); those must then parse to a value.
        if (/^[+-]?[0-9]*(\.[0-9]*)?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/.test(broken))
          expect(reading.quantity ?? reading.problem).toBeDefined();
        else expect(reading.problem).toEqual(expect.any(String));
      }),
    );
  });

  test('any string or number is read in bounded time, with a quantity or a reason', () => {
    check(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.double(),
          fc.stringMatching(/^[0-9.eE+-]{1,30}$/),
          fc.integer().map((n) => `1e${n}`),
        ),
        (input) => {
          const started = Date.now();
          const reading = readQuantity(input);
          expect(Date.now() - started).toBeLessThan(200);
          expect((reading.quantity === undefined) !== (reading.problem === undefined)).toBe(true);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------- IPv6 forms

const group = fc.oneof(
  fc.constant(0),
  fc.constant(0xffff),
  fc.constantFrom(0xfe80, 0xfebf, 0xfec0, 0xfe08, 0xff02, 0xff12, 0xff05),
  fc.integer({ min: 0, max: 0xffff }),
);
const groups: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }),
  // IPv4-mapped and loopback-like shapes, which Go reads specially
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]),
  fc.constantFrom<number[]>([0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0]),
);

/** Renderings of the same 8 groups: full, zero-padded, upper-case, compressed at the longest zero run, IPv4 tail. */
function forms(g: number[], pad: number, upper: boolean): string[] {
  const hex = (n: number) => (upper ? n.toString(16).toUpperCase() : n.toString(16));
  const out = [g.map(hex).join(':'), g.map((n) => hex(n).padStart(Math.min(4, hex(n).length + pad), '0')).join(':')];
  let best = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best[1]) best = [i, j - i];
  }
  if (best[1] >= 1)
    out.push(
      `${g.slice(0, best[0]).map(hex).join(':')}::${g
        .slice(best[0] + best[1])
        .map(hex)
        .join(':')}`,
    );
  out.push(`${g.slice(0, 6).map(hex).join(':')}:${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`);
  return out;
}

/** The API server's verdict computed from the groups directly (Go's net.IP methods, written as bit tests). */
function expectedProblem(g: number[]): boolean {
  const mapped = g.slice(0, 5).every((n) => n === 0) && g[5] === 0xffff;
  if (mapped) {
    const [a, b, c] = [g[6] >> 8, g[6] & 0xff, g[7] >> 8];
    return (g[6] === 0 && g[7] === 0) || a === 127 || (a === 169 && b === 254) || (a === 224 && b === 0 && c === 0);
  }
  const zeroHead = g.slice(0, 7).every((n) => n === 0);
  return (zeroHead && (g[7] === 0 || g[7] === 1)) || (g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xff0f) === 0xff02;
}

describe('IPv6 forms (generated)', () => {
  test('every spelling of one address is the same 16 bytes, family and verdict', () => {
    check(
      fc.property(groups, fc.nat(3), fc.boolean(), (g, pad, upper) => {
        const bytes = Buffer.from(g.flatMap((n) => [n >> 8, n & 0xff])).toString('hex');
        const family = g.slice(0, 5).every((n) => n === 0) && g[5] === 0xffff ? 'IPv4' : 'IPv6';
        for (const form of forms(g, pad, upper)) {
          expect({
            form,
            bytes: Buffer.from(parseIp(form) ?? []).toString('hex'),
            family: ipFamily(form),
            refused: endpointAddressProblem(form) !== undefined,
          }).toEqual({ form, bytes, family, refused: expectedProblem(g) });
        }
      }),
    );
  });

  test('a zone, brackets, a prefix length or a ninth group is never an address', () => {
    check(
      fc.property(groups, fc.constantFrom('%eth0', '/64', ':1', ']'), (g, extra) => {
        const form = `${g.map((n) => n.toString(16)).join(':')}${extra}`;
        expect(parseIp(form)).toBeUndefined();
        expect(parseIp(`[${g.map((n) => n.toString(16)).join(':')}]`)).toBeUndefined();
      }),
    );
  });
});

// ---------------------------------------------------------------- hostile YAML shapes

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'containers',
  'volumes',
  'metadata',
  'name',
  'spec',
  'items',
  'selector',
);
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('lots', '1 Gi', '1e999999999', '::1', '0:0:0:0:0:0:0:1', '\u0085'),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.array(fc.tuple(hostileKey, tie('tree')), { maxLength: 4 }).map((entries) => new Map(entries)),
  ),
}));
const KINDS: [string, string][] = [
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Endpoints'],
  ['v1', 'ResourceQuota'],
  ['v1', 'LimitRange'],
  ['apps/v1', 'Deployment'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['tekton.dev/v1', 'Task'],
  ['triggers.tekton.dev/v1beta1', 'EventListener'],
  ['v1', 'List'],
];
const hostileObject = fc
  .tuple(fc.constantFrom(...KINDS), fc.option(fc.string({ maxLength: 6 }), { nil: undefined }), tree, tree, tree)
  .map(([[apiVersion, kind], name, spec, extra, items]) => {
    const object = new Map<string, unknown>([
      ['apiVersion', apiVersion],
      ['kind', kind],
    ]);
    if (name !== undefined)
      object.set(
        'metadata',
        new Map([
          ['name', name],
          ['namespace', 'ns'],
        ]),
      );
    object.set(kind === 'List' ? 'items' : 'spec', kind === 'List' ? items : spec);
    if (extra instanceof Map) for (const [k, v] of extra) object.set(k as string, v);
    return object;
  });
const hostileYaml = fc
  .array(hostileObject, { minLength: 1, maxLength: 4 })
  .map((objects) => objects.map((o) => new Document(o).toString()).join('---\n'));

describe('hostile YAML shapes (generated)', () => {
  test('validate never throws, and every finding names the file and a rule', () => {
    check(
      fc.property(hostileYaml, (yaml) => {
        const result = validateYaml(yaml, 'gen.yaml');
        for (const finding of result.findings) {
          expect(finding.file).toBe('gen.yaml');
          expect(finding.rule).toMatch(/^[a-z][-a-z0-9]*$/);
          expect(finding.rule).not.toBe('internal-error');
        }
      }),
    );
  });

  test('the graph draws every object validate reads that has a kind and a name, and compare never throws', () => {
    check(
      fc.property(hostileYaml, (yaml) => {
        const objects = parseManifestText(yaml, 'gen.yaml')
          .objects.map((o) => o.object)
          .filter(
            (o): o is SynthesizedObject =>
              typeof o.kind === 'string' && typeof (o.metadata as SynthesizedObject['metadata'] | undefined)?.name === 'string',
          );
        expect(() => toMermaid(buildObjectGraph(objects))).not.toThrow();
        expect(() => {
          try {
            compareYaml(yaml, yaml);
          } catch (error) {
            if (!(error instanceof Error) || error instanceof TypeError) throw error;
          }
        }).not.toThrow();
      }),
    );
  });
});
