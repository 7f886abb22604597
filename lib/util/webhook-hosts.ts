/**
 * Webhook receiver URLs and the hostnames Gogs must allow.
 *
 * Gogs (0.12.8 and later) refuses to deliver a webhook to a hostname that
 * resolves to a private, loopback or link-local address (every cluster
 * Service does) unless `[security] LOCAL_NETWORK_ALLOWLIST` lists that
 * hostname. The match is an exact, case-sensitive comparison with the
 * hostname of the hook URL (Go's `url.URL.Hostname()`): no wildcards, no
 * suffixes, no IP ranges. So the allowlist is derived from the very URLs the
 * hooks will use.
 */
import { isDnsSubdomain } from './k8s-syntax';

const SCHEME_AND_AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** What a webhook URL must look like, for error messages. */
export const WEBHOOK_URL_RULE =
  'an absolute http:// or https:// URL whose host is a lower-case DNS name or an IPv4 address, ' +
  "without user:password@, written only in URL characters (RFC 3986: letters, digits, -._~:/?#[]@!$&'()*+,;= and %XX escapes), " +
  'e.g. "http://el-gogs-push.ci.svc.cluster.local:8080/"';

// RFC 3986 unreserved, reserved and "%" (checked below to start an escape).
const URL_CHARACTER = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]$/;

/**
 * Why `url` holds a character no URL may hold, or undefined. Every URL this
 * library writes into another format (YAML, TOML, INI, JSON in an env value)
 * passes this first: no control character (Go's URL parser refuses them, Node's
 * silently drops tabs and newlines), no space, quote, backslash, angle bracket
 * or non-ASCII letter, and "%" only as a %XX escape.
 */
export function urlCharacterProblem(url: string): string | undefined {
  for (let i = 0; i < url.length; i++) {
    const c = url[i]!;
    if (!URL_CHARACTER.test(c)) {
      return `contains ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at offset ${i}, which is not a URL character`;
    }
    if (c === '%' && !/^[0-9A-Fa-f]{2}$/.test(url.slice(i + 1, i + 3))) return `has a "%" at offset ${i} that does not start a %XX escape`;
  }
  return undefined;
}

/**
 * The hostname Gogs compares with its allowlist for this URL, or a string
 * saying why the URL is not accepted.
 *
 * The hostname must be written the way both Gogs and this library read it:
 * lower case (Node's URL parser lower-cases hosts, Go's does not), no IPv6
 * literal (Go drops the brackets, Node keeps them), no credentials.
 */
export function webhookHost(url: unknown): { host: string } | { problem: string } {
  if (typeof url !== 'string') return { problem: 'is not a string' };
  const characters = urlCharacterProblem(url);
  if (characters) return { problem: characters };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'is not an absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: `has scheme "${parsed.protocol.replace(/:$/, '')}"` };
  if (parsed.username || parsed.password) return { problem: 'carries credentials (user:password@)' };
  const raw = SCHEME_AND_AUTHORITY.exec(url);
  const rawHost = raw ? raw[2]!.replace(/:\d*$/, '') : '';
  if (!rawHost) return { problem: 'has no hostname' };
  if (rawHost.startsWith('[')) return { problem: 'has an IPv6 literal host' };
  if (rawHost !== parsed.hostname)
    return { problem: `has host "${rawHost}", which is not in canonical lower-case form "${parsed.hostname}"` };
  const host = parsed.hostname;
  if (!IPV4.test(host) && !isDnsSubdomain(host))
    return { problem: `has host "${parsed.hostname}", which is not a DNS name or IPv4 address` };
  return { host };
}

/** The distinct hostnames of `urls`, in first-seen order (assumes every URL is valid). */
export function allowlistFor(urls: readonly string[]): string[] {
  const hosts: string[] = [];
  for (const url of urls) {
    const result = webhookHost(url);
    if (!('host' in result)) throw new Error(`webhook URL ${JSON.stringify(url)} ${result.problem}`);
    if (!hosts.includes(result.host)) hosts.push(result.host);
  }
  return hosts;
}
