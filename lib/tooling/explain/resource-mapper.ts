/**
 * Turns `kubectl explain`'s argument (`svc.spec.ports`, `deployments.apps.spec`,
 * `pr.spec`) into a group/version/resource and a field path, the way kubectl
 * 1.28 does with the API server's discovery data:
 *
 * 1. the first dot-separated name is the resource; an exact plural or
 *    singular name (any group) wins over a short name, short names are
 *    case-sensitive, plural and singular names are not;
 * 2. every group/version serving it is a candidate, preferred versions
 *    first, groups in priority order;
 * 3. without `--api-version`, the first candidate whose `resource.group`
 *    prefixes the argument is taken and the rest after that prefix is the
 *    field path (`deployments.apps.spec` -> apps, `spec`); otherwise the first
 *    candidate, and everything after the first name is the field path
 *    (`deployment.apps.spec` -> field `apps`, which does not exist);
 * 4. with `--api-version`, the first candidate's group and version are
 *    replaced by the given ones, and the field path is everything after the
 *    first name.
 *
 * Errors carry kubectl's message text (without the `error: ` prefix).
 */
import { ApiResource } from './explain-schemas';

/** A resolved argument. */
export interface ResourceRequest {
  readonly group: string;
  readonly version: string;
  /** The plural resource name. */
  readonly resource: string;
  readonly fieldPath: readonly string[];
}

/** An error kubectl reports (the message is kubectl's, without `error: `). */
export class ExplainError extends Error {}

/** `group/version, Resource=plural`, Go's `GroupVersionResource.String()`. */
export function gvrString(group: string, version: string, resource: string): string {
  return `${group}/${version}, Resource=${resource}`;
}

const JSONPATH_SPECIAL = /[\s[\](){}|,=*@$"'\\]/;

/**
 * The names of a dotted argument, as kubectl's JSONPath parser reads
 * `{.<argument>}` (one trailing dot is ignored). Only plain field names are
 * accepted; anything JSONPath would read as another kind of node is an error.
 */
export function splitFieldNames(argument: string): string[] {
  const text = argument.endsWith('.') ? argument.slice(0, -1) : argument;
  const names = text.split('.');
  if (names.some((name) => name === '' || JSONPATH_SPECIAL.test(name))) {
    throw new ExplainError('invalid jsonpath syntax, first node must be field node');
  }
  return names;
}

/** Candidates for a resource name, in kubectl's priority order. */
export function resourcesFor(name: string, resources: readonly ApiResource[]): ApiResource[] {
  const lower = name.toLowerCase();
  let matchName = lower;
  let group: string | undefined;
  // Exact names first (the shortcut expander leaves them alone), then short names (case-sensitive).
  if (!resources.some((r) => r.plural === name || r.singular === name)) {
    const short = resources.find((r) => r.shortNames.includes(name));
    if (short) {
      matchName = short.plural;
      group = short.group;
    }
  }
  const matches = resources.filter(
    (r) => (group === undefined || r.group === group || group === '') && (r.plural === matchName || r.singular === matchName),
  );
  if (matches.length === 0) throw new ExplainError(`the server doesn't have a resource type ${JSON.stringify(name)}`);
  // Preferred versions (each group's first listed) of every group come first, then the others, groups in order.
  const preferred = new Map<string, string>();
  for (const r of resources) if (!preferred.has(r.group)) preferred.set(r.group, r.version);
  const first = matches.filter((r) => preferred.get(r.group) === r.version);
  const rest = matches.filter((r) => preferred.get(r.group) !== r.version);
  return [...first, ...rest];
}

/** Resolves kubectl explain's argument (and `--api-version`, when given). */
export function resolveRequest(argument: string, resources: readonly ApiResource[], apiVersion?: string): ResourceRequest {
  const names = splitFieldNames(argument);
  const candidates = resourcesFor(names[0]!, resources); // split always yields one element
  const best = candidates[0]!; // resourcesFor throws when nothing matches
  if (apiVersion !== undefined && apiVersion !== '') {
    const [group, version] = parseGroupVersion(apiVersion);
    return { group, version, resource: best.plural, fieldPath: names.slice(1) };
  }
  for (const candidate of candidates) {
    const groupResource = candidate.group ? `${candidate.plural}.${candidate.group}` : candidate.plural;
    if (!argument.startsWith(groupResource)) continue;
    const suffix = argument.slice(groupResource.length).replace(/\.$/, '');
    let fieldPath: string[] = [];
    if (suffix.length > 0 && suffix !== '.') {
      // kubectl parses `{.<suffix>}` and drops the first node: a leading dot reads as `..` (recursive descent).
      const nodes = suffix.startsWith('.') ? splitFieldNames(suffix.slice(1)) : splitFieldNames(suffix).slice(1);
      fieldPath = nodes;
    }
    return { group: candidate.group, version: candidate.version, resource: candidate.plural, fieldPath };
  }
  return { group: best.group, version: best.version, resource: best.plural, fieldPath: names.slice(1) };
}

/** Go's `schema.ParseGroupVersion`. */
export function parseGroupVersion(text: string): [group: string, version: string] {
  if (text === '' || text === '/') return ['', ''];
  const parts = text.split('/');
  if (parts.length === 1) return ['', parts[0]!];
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  throw new ExplainError(`unexpected GroupVersion string: ${text}`);
}
