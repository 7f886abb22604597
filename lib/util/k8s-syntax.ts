/**
 * Syntax rules of the Kubernetes API (apimachinery validation), as predicates.
 * Both the constructs (when checking props) and the offline validator use them,
 * so a name the constructs accept is a name the validator accepts.
 */
import { isIP } from 'node:net';

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
  return typeof value === 'string' && value.length > 0 && value.length <= 253
    && value.split('.').every((part) => DNS_LABEL.test(part));
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
  return typeof value === 'string' && value.length <= 15 && IANA_SVC_NAME.test(value)
    && /[a-z]/.test(value) && !value.includes('--');
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
export const LABEL_KEY_RULE = 'a label key: an optional DNS-1123 subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit';

/** Label value: empty, or at most 63 characters of the label-name alphabet. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && LABEL_NAME.test(value)));
}
export const LABEL_VALUE_RULE = 'a label value: empty, or at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit';

/** Which IP family an address belongs to, or undefined when it is not an IP address. */
export function ipFamily(value: unknown): 'IPv4' | 'IPv6' | undefined {
  if (typeof value !== 'string') return undefined;
  const version = isIP(value);
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined;
}

/**
 * Why the API server refuses this address as an endpoint, or undefined when
 * it accepts it. Endpoints and EndpointSlices may not point at unspecified,
 * loopback, link-local or link-local multicast addresses
 * (`ValidateNonSpecialIP` in the Kubernetes API validation).
 */
export function endpointAddressProblem(value: unknown): string | undefined {
  const family = ipFamily(value);
  if (!family) return 'is not an IPv4 or IPv6 address';
  const ip = (value as string).toLowerCase();
  // Kubernetes reads ::ffff:a.b.c.d as the IPv4 address it carries, which fits neither address family's slice.
  if (/^(0*:)*:?ffff:/.test(ip) && /\d+\.\d+\.\d+\.\d+$/.test(ip)) return 'is an IPv4-mapped IPv6 address; write the IPv4 address itself';
  if (family === 'IPv4') {
    const [a, b, c] = ip.split('.').map(Number);
    if (ip === '0.0.0.0') return 'is the unspecified address';
    if (a === 127) return 'is in the loopback range 127.0.0.0/8';
    if (a === 169 && b === 254) return 'is in the link-local range 169.254.0.0/16';
    if (a === 224 && b === 0 && c === 0) return 'is in the link-local multicast range 224.0.0.0/24';
    return undefined;
  }
  if (/^(0*:)*:?0*$/.test(ip) || ip === '::') return 'is the unspecified address';
  if (ip === '::1') return 'is the loopback address';
  if (/^fe[89ab]/.test(ip)) return 'is in the link-local range fe80::/10';
  if (/^ff[0-9a-f]2:/.test(ip)) return 'is in the link-local multicast range ff02::/16';
  return undefined;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1035 label, the rule for Service names: like a DNS-1123 label but starting with a letter. */
export function isDns1035Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS1035_LABEL.test(value);
}
export const DNS1035_LABEL_RULE = 'a DNS-1035 label: at most 63 characters of a-z, 0-9 and "-", starting with a letter and ending with a letter or digit';
