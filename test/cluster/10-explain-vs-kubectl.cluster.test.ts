/**
 * `k8s-practice explain` against the real thing: kubectl 1.28.15 `explain` talking to the local
 * 1.28.15 API server with the Tekton CRDs installed, for paths chosen by walking the schemas.
 * Outputs must be equal, or differ only in the ways listed in KNOWN_DIFFERENCES (each with the
 * reason); every path is counted, and the counts are printed.
 */
import { explain, ExplainJson } from '../../lib/tooling/explain/explain';
import { KubectlResult, installTektonCrds, kubectl, kubectlAsync } from './support';

/** Resources whose fields are walked (kubectl names: plural or short name). */
const RESOURCES = [
  'pods',
  'svc',
  'deployments',
  'statefulsets',
  'ep',
  'endpointslices',
  'netpol',
  'quota',
  'limits',
  'cm',
  'secrets',
  'ns',
  'sa',
  'rolebindings',
  'pvc',
  'pr',
  'taskruns',
  'tasks',
  'pipelines',
  'eventlisteners',
  'triggerbindings',
  'triggertemplates',
];
const PER_RESOURCE = 14;

/** Field paths of one resource: the kind, its top-level fields, then the fields of `spec` and one level below. */
function pathsOf(resource: string): string[] {
  const fieldsOf = (path: string) => {
    const result = explain(path, { output: 'json' });
    return result.exitCode === 0 ? (JSON.parse(result.stdout) as ExplainJson).fields : [];
  };
  const paths = [resource];
  const top = fieldsOf(resource);
  for (const f of top) paths.push(`${resource}.${f.name}`);
  for (const f of fieldsOf(`${resource}.spec`)) {
    paths.push(`${resource}.spec.${f.name}`);
    if (f.type.startsWith('Object') || f.type.startsWith('[]'))
      for (const g of fieldsOf(`${resource}.spec.${f.name}`).slice(0, 3)) paths.push(`${resource}.spec.${f.name}.${g.name}`);
  }
  return [...new Set(paths)].slice(0, PER_RESOURCE);
}

interface KnownDifference {
  readonly name: string;
  readonly why: string;
  /** Applied to both outputs; the difference is this one when the results are equal. */
  readonly normalize: (text: string) => string;
}

/**
 * The API server appends "Possible enum values:" with an explanation per value (from the Go
 * doc comments); the vendored definitions carry the values only, so our list has no explanations.
 */
function dropEnumExplanations(text: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (line.trim() === 'Possible enum values:') {
      inBlock = true;
      out.push(line);
    } else if (inBlock && line.trim() === '') {
      inBlock = false;
      out.push(line);
    } else if (inBlock) {
      const value = /^(\s*- `"[^`]*"`)/.exec(line);
      // The value itself; its explanation and wrapped lines dropped, and a value listed twice
      // (two Go constants with one value) kept once, as the vendored list keeps it.
      if (value && out[out.length - 1] !== value[1] && !out.slice(-20).includes(value[1]!)) out.push(value[1]!);
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

/**
 * For a field whose type is Quantity or IntOrString, the API server appends that type's own
 * description to the field's; the vendored definitions describe those types only at the type.
 */
function dropTypeDescriptions(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^ {4}(Quantity is a fixed-point representation|IntOrString is a type that can hold)/.test(l));
  if (start < 0) return text;
  let end = start;
  while (end + 1 < lines.length && lines[end + 1]!.startsWith('    ')) end++;
  while (end > start && lines[end]!.trim() === '') end--; // the description's own closing line stays
  return dropTypeDescriptions([...lines.slice(0, start), ...lines.slice(end + 1)].join('\n'));
}

const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    name: 'enum explanations',
    why: 'the vendored definitions have enum values without their explanations (and list a value once)',
    normalize: dropEnumExplanations,
  },
  {
    name: 'Quantity/IntOrString description',
    why: 'the API server repeats the Quantity or IntOrString type description in the field; the vendored definitions keep it at the type',
    normalize: (t) => dropTypeDescriptions(dropEnumExplanations(t)),
  },
];

type Verdict = { path: string; verdict: 'equal' | 'error text equal' | string };

const verdicts: Verdict[] = [];

beforeAll(async () => {
  installTektonCrds();
  expect(kubectl(['api-resources']).status).toBe(0); // fill kubectl's discovery cache
  const paths = RESOURCES.flatMap((resource) => pathsOf(resource));
  // Four kubectl processes at a time: each mostly waits for the API server.
  const reals: KubectlResult[] = [];
  for (let i = 0; i < paths.length; i += 4) {
    reals.push(...(await Promise.all(paths.slice(i, i + 4).map((path) => kubectlAsync(['explain', path])))));
  }
  paths.forEach((path, i) => {
    const ours = explain(path);
    const real = reals[i]!;
    let verdict: string;
    if (ours.exitCode !== real.status) verdict = `exit ${ours.exitCode} vs kubectl ${real.status}: ${real.stderr.trim()}`;
    else if (ours.stdout === real.stdout && (ours.exitCode === 0 || ours.stderr === real.stderr))
      verdict = real.status === 0 ? 'equal' : 'error text equal';
    else verdict = KNOWN_DIFFERENCES.find((d) => d.normalize(ours.stdout) === d.normalize(real.stdout))?.name ?? 'DIFFERENT';
    verdicts.push({ path, verdict });
  });
}, 300_000);

test('at least 200 paths were compared, across built-in and Tekton resources', () => {
  expect(verdicts.length).toBeGreaterThanOrEqual(200);
  expect(verdicts.some((v) => v.path.startsWith('pr.'))).toBe(true);
  expect(verdicts.some((v) => v.path.startsWith('eventlisteners.'))).toBe(true);
});

test('every output equals kubectl explain 1.28, or differs only in a known, explained way', () => {
  const counts = verdicts.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.verdict]: (acc[v.verdict] ?? 0) + 1 }), {});
  console.log(
    `explain vs kubectl 1.28 (${verdicts.length} paths): ${JSON.stringify(counts)}\n` +
      KNOWN_DIFFERENCES.map((d) => `  ${d.name}: ${d.why}`).join('\n'),
  );
  expect(verdicts.filter((v) => !['equal', 'error text equal', ...KNOWN_DIFFERENCES.map((d) => d.name)].includes(v.verdict))).toEqual([]);
  // Most paths must match byte for byte: a known difference must not become the rule.
  expect((counts.equal ?? 0) / verdicts.length).toBeGreaterThan(0.6);
});

test('--recursive on a small type equals kubectl', () => {
  for (const path of ['svc.spec.ports', 'pods.spec.securityContext.seccompProfile']) {
    const ours = explain(path, { recursive: true });
    const real = kubectl(['explain', '--recursive', path]);
    expect({ path, stdout: dropEnumExplanations(ours.stdout) }).toEqual({ path, stdout: dropEnumExplanations(real.stdout) });
  }
});
