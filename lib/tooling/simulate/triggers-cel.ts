/**
 * An offline model of the Tekton Triggers CEL interceptor (v0.37.0), built on
 * the @bufbuild/cel evaluator.
 *
 * Standard CEL (`startsWith`, `matches`, `in`, `exists`, `filter`, `map`,
 * `lowerAscii` from the strings extension, ...) is evaluated by the library
 * itself. The Triggers-only functions are registered as custom CEL functions
 * that behave as tektoncd/triggers pkg/interceptors/cel/triggers.go does
 * (a binding, not a rewrite of the expressions into standard CEL):
 * - `header.match(name, value)`: `http.Header.Get(name) == value` (name canonicalised, first value, "" when absent)
 * - `header.canonical(name)`: `http.Header.Get(name)`
 * - `s.truncate(n)`: the first n characters, the whole string when shorter
 * - `s.compareSecret(key, secretName[, namespace])`: equality with the Secret's value, read from
 *   the listener's namespace (the namespace argument is ignored in v0.37.0); an unknown Secret or
 *   key is an evaluation error, as in Triggers
 * - `s.parseURL()`: a map of `scheme`, `host`, `path`, `rawQuery`, `fragment`,
 *   `queryStrings` (name to list of values) and `query` (name to comma-joined values)
 *
 * The interceptor itself: the filter must evaluate to exactly `true`, any
 * other value or an error drops the event; overlays are then evaluated in
 * order and their results are added under `extensions.<key>`.
 */
import { CelScalar, celMethod, isCelError, isCelList, isCelMap, mapType, run } from '@bufbuild/cel';
import type { CelFunc, CelInput, CelMap } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { createContext, Script } from 'node:vm';
import { field, member, ownMember } from '../foundation/json-value';

/** An HTTP request as the EventListener sees it. */
export interface WebhookRequest {
  /** Request URI, e.g. `/?token=abc` (Triggers binds `requestURL` to `in.URL.String()`). */
  readonly requestURL: string;
  /** Header name to value(s); names are canonicalised like Go's `http.Header`. */
  readonly headers: { readonly [name: string]: string | readonly string[] };
  /** The parsed JSON body. */
  readonly body: unknown;
}

/** Secrets visible to `compareSecret`: `secretName -> key -> value`. */
export type SecretStore = { readonly [secretName: string]: { readonly [key: string]: string } };

/** The outcome of one interceptor run. */
export interface InterceptorOutcome {
  /** Whether the event goes on to the bindings. */
  readonly accepted: boolean;
  /** Why it was dropped, when it was. */
  readonly reason?: string;
  /** `extensions` after the overlays (only when accepted). */
  readonly extensions: { [key: string]: unknown };
}

/** Go's `textproto.CanonicalMIMEHeaderKey` for token-only keys: `x-gogs-event` -> `X-Gogs-Event`. */
export function canonicalHeaderKey(key: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return key;
  return key
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-');
}

/** Builds the `header` variable: canonical names to lists of values (Go's `http.Header`). */
export function headerMap(headers: WebhookRequest['headers']): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = canonicalHeaderKey(name);
    map.set(key, [...(map.get(key) ?? []), ...(typeof value === 'string' ? [value] : value)]);
  }
  return map;
}

function headerGet(header: CelMap, name: string): string {
  const values = header.get(canonicalHeaderKey(name));
  if (values === undefined) return '';
  // header values are CEL strings; String() is how CEL's own string() reads any other value
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (isCelList(values)) return values.size > 0 ? String(values.get(0)) : '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(values);
}

function parseUrl(value: string): { [key: string]: CelInput } {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
  const url = new URL(value, absolute ? undefined : 'http://relative.invalid');
  const queryStrings: { [name: string]: string[] } = {};
  for (const name of new Set(url.searchParams.keys())) queryStrings[name] = url.searchParams.getAll(name);
  const query: { [name: string]: string } = {};
  for (const [name, values] of Object.entries(queryStrings)) query[name] = values.join(',');
  const parsed: { [key: string]: CelInput } = {
    scheme: absolute ? url.protocol.replace(/:$/, '') : '',
    host: absolute ? url.host : '',
    path: decodeURIComponent(url.pathname),
    rawQuery: url.search.replace(/^\?/, ''),
    fragment: decodeURIComponent(url.hash.replace(/^#/, '')),
    queryStrings,
    query,
  };
  if (absolute && (url.username || url.password)) {
    parsed.auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  }
  return parsed;
}

/**
 * The value of key `key` of Secret `secretName`, or undefined: own properties only, so a Secret
 * named `constructor` or a key named `name` is found only when it was given.
 */
export function secretValue(secrets: SecretStore, secretName: string, key: string): string | undefined {
  const value = ownMember(ownMember(secrets, secretName), key);
  return typeof value === 'string' ? value : undefined;
}

/** The Triggers CEL functions, bound to a Secret store. */
export function triggersFunctions(secrets: SecretStore): CelFunc[] {
  const headerType = mapType(CelScalar.STRING, CelScalar.DYN);
  const compare = (value: string, key: string, secretName: string): boolean => {
    const secret = secretValue(secrets, secretName, key);
    if (secret === undefined) throw new Error(`failed to find secret '${secretName}' key '${key}' in compareSecret`);
    return secret === value;
  };
  return [
    ...strings,
    celMethod(
      'match',
      headerType,
      [CelScalar.STRING, CelScalar.STRING],
      CelScalar.BOOL,
      function match(this: CelMap, name: string, value: string) {
        return headerGet(this, name) === value;
      },
    ),
    celMethod('canonical', headerType, [CelScalar.STRING], CelScalar.STRING, function canonical(this: CelMap, name: string) {
      return headerGet(this, name);
    }),
    celMethod('truncate', CelScalar.STRING, [CelScalar.INT], CelScalar.STRING, function truncate(this: string, n: bigint) {
      return this.slice(0, Number(n));
    }),
    celMethod(
      'compareSecret',
      CelScalar.STRING,
      [CelScalar.STRING, CelScalar.STRING],
      CelScalar.BOOL,
      function compareSecret(this: string, key: string, secretName: string) {
        return compare(this, key, secretName);
      },
    ),
    celMethod(
      'compareSecret',
      CelScalar.STRING,
      [CelScalar.STRING, CelScalar.STRING, CelScalar.STRING],
      CelScalar.BOOL,
      function compareSecretNs(this: string, key: string, secretName: string) {
        return compare(this, key, secretName);
      },
    ),
    celMethod('parseURL', CelScalar.STRING, [], headerType, function parseURL(this: string) {
      return parseUrl(this);
    }),
  ];
}

/** Converts a CEL result to plain JSON-like JavaScript (maps to objects, lists to arrays, ints to numbers). */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isCelList(value)) return [...value].map(toPlain);
  // CEL map keys are strings, ints, uints or bools: String() writes each as JSON would
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (isCelMap(value)) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toPlain(v)]));
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toPlain(v)]));
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/**
 * The most time one CEL expression may take (1 s). Tekton Triggers sets no bound, but simulate
 * reads manifests from anywhere: a nested comprehension would otherwise run for minutes and take
 * gigabytes. Real filters and overlays take milliseconds.
 */
export const CEL_TIME_LIMIT_MS = 1000;

/** A context that only calls `evaluate`: node:vm's timeout stops whatever runs under it, the CEL evaluator included. */
const boundedContext = createContext({ evaluate: undefined as (() => unknown) | undefined });
const boundedCall = new Script('evaluate()');

/** `evaluate()`, stopped with an Error after {@link CEL_TIME_LIMIT_MS}. */
function withinTimeLimit<T>(expression: string, evaluate: () => T): T {
  boundedContext.evaluate = evaluate;
  try {
    return boundedCall.runInContext(boundedContext, { timeout: CEL_TIME_LIMIT_MS }) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    throw new Error(
      `CEL error in ${expression}: stopped after ${CEL_TIME_LIMIT_MS} ms, the most simulate gives one expression ` +
        '(stricter than Tekton Triggers, which sets no limit); simplify the expression (nested comprehensions over large lists)',
      { cause: error },
    );
  } finally {
    boundedContext.evaluate = undefined;
  }
}

/** Evaluates one CEL expression in a Triggers-like environment, within {@link CEL_TIME_LIMIT_MS}. Throws on an evaluation error. */
export function evaluateCel(expression: string, request: WebhookRequest, secrets: SecretStore, extensions: object = {}): unknown {
  const result = withinTimeLimit(expression, () =>
    run(
      expression,
      {
        body: request.body as never,
        header: headerMap(request.headers),
        requestURL: request.requestURL,
        extensions: extensions as never,
      },
      { funcs: triggersFunctions(secrets) },
    ),
  );
  if (isCelError(result)) throw new Error(`CEL error in ${expression}: ${result.message}`);
  return toPlain(result);
}

/** Runs a `cel` interceptor (filter, then overlays) the way Triggers does. */
export function runCelInterceptor(
  params: { filter?: string; overlays?: readonly { key: string; expression: string }[] },
  request: WebhookRequest,
  secrets: SecretStore,
): InterceptorOutcome {
  if (params.filter) {
    let out: unknown;
    try {
      out = evaluateCel(params.filter, request, secrets);
    } catch (error) {
      return { accepted: false, reason: (error as Error).message, extensions: {} };
    }
    if (out !== true) return { accepted: false, reason: `expression ${params.filter} did not return true`, extensions: {} };
  }
  const extensions: { [key: string]: unknown } = {};
  for (const overlay of params.overlays ?? []) {
    extensions[overlay.key] = evaluateCel(overlay.expression, request, secrets, extensions);
  }
  return { accepted: true, extensions };
}

/** The `filter` and `overlays` params of the (single) cel interceptor of an EventListener's trigger. */
export function celParams(eventListener: unknown, triggerIndex = 0): { filter: string; overlays: { key: string; expression: string }[] } {
  const trigger = member(member(member(eventListener, 'spec'), 'triggers'), String(triggerIndex));
  const interceptors = member(trigger, 'interceptors') as unknown[];
  const cel = interceptors.filter((i) => field(member(i, 'ref'), 'name') === 'cel');
  if (cel.length !== 1) throw new Error(`expected one cel interceptor, found ${cel.length}`);
  const param = (name: string) =>
    field(
      (member(cel[0], 'params') as unknown[]).find((p) => member(p, 'name') === name),
      'value',
    );
  // The cel interceptor's params as it reads them: a filter string and a list of overlays.
  return { filter: param('filter') as string, overlays: (param('overlays') ?? []) as { key: string; expression: string }[] };
}
