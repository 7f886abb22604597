/**
 * fast-check generators for hostile props: mostly valid values, boundary
 * values, and the invalid shapes users (and JavaScript callers) produce.
 */
import * as fc from 'fast-check';

export const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/);

/** Names: valid DNS labels, the 63-character boundary, and broken ones. */
export const name = fc.oneof(
  { weight: 6, arbitrary: dnsLabel },
  {
    weight: 1,
    arbitrary: fc.constantFrom('a'.repeat(63), 'a'.repeat(64), 'Nginx', 'web.v1', '', '-web', 'web-', 'web_1', '1web', 'ünï', ' web'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
);

/** Ports: in range, at the boundaries, outside, NaN, fractions and strings. */
export const port = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 65535, 65536, -1, Number.NaN, 80.5, Number.POSITIVE_INFINITY) },
  { weight: 1, arbitrary: fc.constantFrom<any>('80', 'http', null, true) },
);

export const nodePort = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 30000, max: 32767 }) },
  { weight: 2, arbitrary: fc.constantFrom(29999, 30000, 32767, 32768, 80, 0, Number.NaN) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 70000 }) },
);

export const image = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'docker.io/library/busybox:1.36',
      'nginx',
      'registry.ci.svc.cluster.local:5000/team/app@sha256:' + 'a'.repeat(64),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'nginx latest', 'a\tb') },
);

export const labels = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(
      fc.stringMatching(/^[a-z]([a-z0-9.-]{0,8}[a-z0-9])?$/),
      fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?)?$/),
      { minKeys: 1, maxKeys: 3 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<any>(
      { 'bad key': 'x' },
      { app: 'a'.repeat(64) },
      { app: '-x' },
      { 'example.com/app': 'ok' },
      {},
      null,
      'run=web',
    ),
  },
);

export const ipAddress = fc.oneof(
  { weight: 4, arbitrary: fc.ipV4() },
  { weight: 2, arbitrary: fc.ipV6() },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '127.0.0.1',
      '169.254.1.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      '224.0.0.9',
      '10.0.0.256',
      'db.example.com',
      '',
      '1.2.3',
      '01.2.3.4',
    ),
  },
);

export const quantity = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('', 'm', 'Mi', 'Gi', 'k', 'M', 'G')).map(([n, s]) => `${n}${s}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('1Gb', '1 Gi', '', 'Gi', '-1Gi', '1.5.0', 'lots') },
);

export const url = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('http', 'https'), dnsLabel, fc.constantFrom('', ':8080', ':3000'))
      .map(([s, h, p]) => `${s}://${h}.ci.svc.cluster.local${p}/`),
  },
  { weight: 1, arbitrary: fc.constantFrom('ftp://x/', 'not a url', '', 'http://', 'http://exa mple.com/', 'http://UPPER.example/') },
);

/** Only valid values, so that a good share of generated props synthesizes (and is validated). */
export const valid = {
  name: dnsLabel,
  port: fc.integer({ min: 1, max: 65535 }),
  nodePort: fc.integer({ min: 30000, max: 32767 }),
  image: fc.constantFrom('docker.io/library/busybox:1.36', 'nginx', 'registry.ci.svc.cluster.local:5000/team/app@sha256:' + 'a'.repeat(64)),
  labels: fc.dictionary(
    fc.stringMatching(/^[a-z]([a-z0-9.-]{0,8}[a-z0-9])?$/),
    fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?)?$/),
    { minKeys: 1, maxKeys: 3 },
  ),
  // documentation and private ranges: never loopback, link-local or multicast
  ipAddress: fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.20.${a}.${b}`),
    fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8::${n.toString(16)}`),
  ),
  quantity: fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('', 'Mi', 'Gi')).map(([n, s]) => `${n}${s}`),
  url: fc
    .tuple(fc.constantFrom('http', 'https'), dnsLabel, fc.constantFrom('', ':8080'))
    .map(([s, h, p]) => `${s}://el-${h}.ci.svc.cluster.local${p}/`),
};
