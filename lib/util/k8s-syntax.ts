/**
 * Syntax rules of the Kubernetes API (apimachinery validation), as predicates.
 * Both the constructs (when checking props) and the offline validator use them,
 * so a name the constructs accept is a name the validator accepts.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}
export const DNS_LABEL_RULE = 'a DNS-1123 label: at most 63 characters of a-z, 0-9 and "-", starting and ending with a letter or digit';

/** RFC 1123 subdomain: dot-separated DNS labels, at most 253 characters. */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 253 && value.split('.').every((part) => DNS_LABEL.test(part));
}
export const DNS_SUBDOMAIN_RULE = 'a DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters';

/** A port number: an integer from 1 to 65535. */
export function isPortNumber(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}
export const PORT_RULE = 'an integer from 1 to 65535';

/** The default NodePort range of kube-apiserver (`--service-node-port-range`). */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
export function isNodePort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= NODE_PORT_MIN && (value as number) <= NODE_PORT_MAX;
}
export const NODE_PORT_RULE = `an integer from ${NODE_PORT_MIN} to ${NODE_PORT_MAX} (the default --service-node-port-range)`;

/**
 * IANA service name, the syntax of a container port name: at most 15
 * characters, a-z, 0-9 and '-', at least one letter, no '--', no leading or
 * trailing '-'.
 */
export function isPortName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 15 && IANA_SVC_NAME.test(value) && /[a-z]/.test(value) && !value.includes('--');
}
export const PORT_NAME_RULE = 'an IANA service name: at most 15 characters of a-z, 0-9 and "-", with at least one letter and no "--"';

/** Label (or annotation) key: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function isLabelKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}
export const LABEL_KEY_RULE =
  'a label key: an optional DNS-1123 subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit';

/** Label value: empty, or at most 63 characters of the label-name alphabet. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && LABEL_NAME.test(value)));
}
export const LABEL_VALUE_RULE =
  'a label value: empty, or at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit';

/**
 * An IP address as the 16 bytes Go's `net.IP` holds, parsed the way the API
 * server parses Endpoints and EndpointSlice addresses: `netutils.ParseIPSloppy`
 * (k8s.io/utils/net, a fork of Go's pre-1.17 `net.ParseIP` that allows leading
 * zeros). IPv4 addresses come back in their IPv4-mapped form (`::ffff:a.b.c.d`),
 * as in Go. No zone (`%eth0`), no brackets, no CIDR. Undefined when it is not an IP.
 */
export function parseIp(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  for (const ch of value) {
    if (ch === '.') return parseIPv4(value);
    if (ch === ':') return parseIPv6(value);
  }
  return undefined;
}

const GO_BIG = 0xffffff;

/** Decimal digits at the start of `s`: [value, count], or undefined when there are none or too many (Go's dtoi). */
function dtoi(s: string): [number, number] | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= GO_BIG) return undefined;
  }
  return i === 0 ? undefined : [n, i];
}

/** Hex digits at the start of `s` (Go's xtoi). */
function xtoi(s: string): [number, number] | undefined {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const digit = parseInt(s[i]!, 16);
    if (!/[0-9a-fA-F]/.test(s[i]!)) break;
    n = n * 16 + digit;
    if (n >= GO_BIG) return undefined;
  }
  return i === 0 ? undefined : [n, i];
}

function parseIPv4(text: string): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  ip[10] = 0xff;
  ip[11] = 0xff;
  let s = text;
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const read = dtoi(s);
    if (!read || read[0] > 0xff) return undefined;
    ip[12 + i] = read[0];
    s = s.slice(read[1]);
  }
  return s.length === 0 ? ip : undefined;
}

function parseIPv6(text: string): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  let s = text;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const read = xtoi(s);
    if (!read || read[0] > 0xffff) return undefined;
    const [n, c] = read;
    if (c < s.length && s[c] === '.') {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return undefined;
      const ip4 = parseIPv4(s);
      if (!ip4) return undefined;
      ip.set(ip4.subarray(12), i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const shift = 16 - i;
    ip.copyWithin(ellipsis + shift, ellipsis, i);
    ip.fill(0, ellipsis, ellipsis + shift);
  } else if (ellipsis >= 0) {
    return undefined; // an ellipsis must stand for at least one 0 group
  }
  return ip;
}

/** The 4 IPv4 bytes of an address that is IPv4 or IPv4-mapped (Go's `To4`), else undefined. */
function to4(ip: Uint8Array): Uint8Array | undefined {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return undefined;
  return ip[10] === 0xff && ip[11] === 0xff ? ip.subarray(12) : undefined;
}

/**
 * Which IP family an address belongs to, as Go sees it (`To4() != nil` is
 * IPv4, so `::ffff:1.2.3.4` is IPv4), or undefined when it is not an IP address.
 */
export function ipFamily(value: unknown): 'IPv4' | 'IPv6' | undefined {
  const ip = parseIp(value);
  return ip === undefined ? undefined : to4(ip) ? 'IPv4' : 'IPv6';
}

/** The address in a canonical form (equal for `::1` and `0:0:0:0:0:0:0:1`), or undefined when it is not an IP address. */
export function ipKey(value: unknown): string | undefined {
  const ip = parseIp(value);
  return ip === undefined ? undefined : Buffer.from(ip).toString('hex');
}

/**
 * Why the API server refuses this address as an endpoint, or undefined when
 * it accepts it: it must parse (`ParseIPSloppy`) and may not be unspecified,
 * loopback, link-local unicast or link-local multicast (`ValidateNonSpecialIP`,
 * Go's `net.IP` methods on the 16 bytes). For an EndpointSlice, the
 * `addressType` must match the family as Go sees it (`IsValidIPv4Address`,
 * `IsValidIPv6Address`).
 */
export function endpointAddressProblem(value: unknown, addressType?: 'IPv4' | 'IPv6'): string | undefined {
  const ip = parseIp(value);
  if (!ip) return 'is not an IPv4 or IPv6 address (no zone, brackets or prefix length)';
  const v4 = to4(ip);
  if (addressType === 'IPv4' && !v4) return "is not an IPv4 address, and the EndpointSlice's addressType is IPv4";
  if (addressType === 'IPv6' && v4) return "is an IPv4 (or IPv4-mapped) address, and the EndpointSlice's addressType is IPv6";
  if (v4) {
    if (v4.every((b) => b === 0)) return 'is the unspecified address';
    if (v4[0] === 127) return 'is in the loopback range 127.0.0.0/8';
    if (v4[0] === 169 && v4[1] === 254) return 'is in the link-local range 169.254.0.0/16';
    if (v4[0] === 224 && v4[1] === 0 && v4[2] === 0) return 'is in the link-local multicast range 224.0.0.0/24';
    return undefined;
  }
  if (ip.every((b) => b === 0)) return 'is the unspecified address';
  if (ip.subarray(0, 15).every((b) => b === 0) && ip[15] === 1) return 'is the loopback address ::1';
  // parseIp returns 16 bytes.
  if (ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80) return 'is in the link-local range fe80::/10';
  if (ip[0] === 0xff && (ip[1]! & 0x0f) === 0x02) return 'is in the link-local multicast range (ff02::/16 and the other link-local scopes)';
  return undefined;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1035 label, the rule for Service names: like a DNS-1123 label but starting with a letter. */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS1035_LABEL.test(value);
}
export const DNS1035_LABEL_RULE =
  'a DNS-1035 label: at most 63 characters of a-z, 0-9 and "-", starting with a letter and ending with a letter or digit';
