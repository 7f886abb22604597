/**
 * Injection into the registry's generated formats: containerd
 * hosts.toml, the REGISTRY_NOTIFICATIONS_ENDPOINTS env value (kubelet `$(VAR)`
 * expansion, then Go's JSON and URL parsers), Go durations and thresholds.
 */
import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { GO_MAX_DURATION_NANOS, goDurationNanosExact, isPositiveGoDuration } from '../../../lib/constructs/registry/go-duration';
import { ImageRegistry, ImageRegistryProps } from '../../../lib/constructs/registry/image-registry';
import { RegistryNotificationEndpoint } from '../../../lib/constructs/registry/registry-config';
import { tomlBasicString } from '../../../lib/util/text-formats';
import { urlCharacterProblem } from '../../../lib/util/webhook-hosts';
import { kubeletEnv, kubeletExpand } from '../../support/kubelet-expansion';

const TOKEN = { name: 'registry-webhook-token', key: 'token' };
const endpoint = (over: Partial<RegistryNotificationEndpoint>): RegistryNotificationEndpoint => ({
  name: 'tekton',
  url: 'http://el-registry-push.ci.svc.cluster.local:8080/',
  tokenSecret: TOKEN,
  ...over,
});

function build(props: ImageRegistryProps): { registry: ImageRegistry; objects: any[] } {
  const chart = new Chart(Testing.app(), 'ci', { namespace: 'ci' });
  const registry = new ImageRegistry(chart, 'registry', props);
  return { registry, objects: Testing.synth(chart) };
}

/** The endpoints as the registry reads them: env expanded by the kubelet, then JSON-decoded. */
function endpointsSeenByRegistry(objects: any[], token: string): any[] {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const env = kubeletEnv(deployment.spec.template.spec.containers[0].env, { 'registry-webhook-token/token': token });
  return JSON.parse(env.REGISTRY_NOTIFICATIONS_ENDPOINTS);
}

describe('kubelet expansion model', () => {
  test.each([
    ['$$', {}, '$'],
    ['$$(A)', { A: 'x' }, '$(A)'],
    ['$(A)', { A: 'x' }, 'x'],
    ['$(B)', {}, '$(B)'],
    ['$', {}, '$'],
    ['a$b', {}, 'a$b'],
    ['$(', {}, '$('],
    ['$$$(A)', { A: 'x' }, '$x'],
  ])('%s -> %s', (input, defined, expected) => {
    expect(kubeletExpand(input, defined as Record<string, string>)).toBe(expected);
  });
});

describe('REGISTRY_NOTIFICATIONS_ENDPOINTS reaches the registry exactly as configured', () => {
  test('$(ENDPOINT_TOKEN_0) written into a URL stays literal: the token never lands in the URL', () => {
    const url = 'http://el-registry-push.ci.svc.cluster.local:8080/$(ENDPOINT_TOKEN_0)';
    const { objects } = build({ notificationEndpoints: [endpoint({ url })] });
    const [seen] = endpointsSeenByRegistry(objects, 's3cret');
    expect(seen.url).toBe(url);
    expect(JSON.stringify(seen.url)).not.toContain('s3cret');
    expect(seen.headers).toEqual({ 'X-Registry-Token': ['s3cret'] });
  });

  test('$$ in a URL stays $$ (the kubelet would halve it)', () => {
    const url = 'http://el-registry-push.ci.svc.cluster.local:8080/a$$b';
    const [seen] = endpointsSeenByRegistry(build({ notificationEndpoints: [endpoint({ url })] }).objects, 't');
    expect(seen.url).toBe(url);
  });

  test('property: any accepted URL, name and header reach the registry unchanged, and the token only in its header', () => {
    const pathChar = fc.constantFrom(
      'a',
      '-',
      '.',
      '_',
      '~',
      '$',
      '(',
      ')',
      '$(',
      '$$',
      '$(ENDPOINT_TOKEN_0)',
      '%41',
      '/',
      '@',
      '!',
      '*',
      '+',
      ',',
      ';',
      '=',
      ':',
    );
    const path = fc.array(pathChar, { maxLength: 8 }).map((a) => a.join(''));
    const header = fc.constantFrom('X-Registry-Token', 'X-$Token', 'Authorization', 'X-$(ENDPOINT_TOKEN_0)');
    let checked = 0;
    fc.assert(
      fc.property(path, header, (p, h) => {
        const url = `http://el-registry-push.ci.svc.cluster.local:8080/${p}`;
        let objects: any[];
        try {
          objects = build({ notificationEndpoints: [endpoint({ url, header: h })] }).objects;
        } catch (error) {
          expect((error as Error).message).toMatch(/invalid notificationEndpoints\[0\]\.(url|header) /);
          return;
        }
        checked++;
        const [seen] = endpointsSeenByRegistry(objects, 'T0KEN');
        expect(seen.url).toBe(url);
        expect(seen.headers).toEqual({ [h]: ['T0KEN'] });
        expect(JSON.stringify({ ...seen, headers: undefined })).not.toContain('T0KEN');
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(100);
  });
});

describe("URLs Go's parser or the formats would read differently are refused", () => {
  // Go 1.x net/url.Parse refuses ASCII control characters ("invalid control character in URL");
  // Node's URL parser silently drops tabs and newlines. Checked with a throwaway Go program.
  test.each([
    ['http://registry.local/\n'],
    ['http://registry.local/\t'],
    ['http://registry.local/\u007f'],
    ['http://registry.local/\u0000'],
    ['http://registry.local/a b'],
    ['http://registry.local/"'],
    ['http://registry.local/\\'],
    ['http://registry.local/%zz'],
    ['http://registry.local/é'],
    ['http://registry.local/<x>'],
  ])('notification URL %j', (url) => {
    expect(() => build({ notificationEndpoints: [endpoint({ url })] })).toThrow(
      /ci\/registry: invalid notificationEndpoints\[0\]\.url .*not a URL character|%XX/,
    );
  });

  test('a ?token= query is refused: the URL is written to dist/ in plain text', () => {
    expect(() => build({ notificationEndpoints: [endpoint({ url: 'http://el.ci.svc:8080/?token=abc' })] })).toThrow(
      /invalid notificationEndpoints\[0\]\.url "http:\/\/el\.ci\.svc:8080\/\?token=abc".*without a query string.*tokenSecret/,
    );
  });

  test('property: urlCharacterProblem accepts exactly the RFC 3986 characters and %XX', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (s) => {
        const expected = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(s);
        expect(urlCharacterProblem(s) === undefined).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('containerd hosts.toml', () => {
  const registry = () => build({ serviceType: 'NodePort', nodePort: 30500 }).registry;

  test.each([
    ['http://localhost:30500/x"]\n[host."https://attacker"]\n  skip_verify = true\n#'],
    ['http://localhost:30500/"'],
    ['http://localhost:30500/\n'],
  ])('a mirror that would add a [host] table is refused: %j', (mirror) => {
    expect(() => registry().containerdHostsToml(mirror)).toThrow(/invalid mirror/);
  });

  test('property: every accepted mirror gives exactly one [host] table whose key decodes to the mirror', () => {
    const char = fc.constantFrom('a', '0', '.', '-', ':', '/', '"', '\n', ']', '[', '=', '\\', '#', ' ', "'");
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 10 }).map((a) => a.join('')),
        (tail) => {
          const mirror = `http://localhost:30500/${tail}`;
          let toml: string;
          try {
            toml = registry().containerdHostsToml(mirror);
          } catch (error) {
            expect((error as Error).message).toMatch(/invalid mirror /);
            return;
          }
          const tables = toml.split('\n').filter((line) => line.startsWith('['));
          expect(tables).toHaveLength(1);
          // A TOML basic string with only \" \\ \uXXXX escapes is also a JSON string.
          expect(JSON.parse(tables[0].slice('[host.'.length, -1))).toBe(mirror.replace(/\/+$/, ''));
          expect(toml.match(/skip_verify/g)).toHaveLength(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('tomlBasicString escapes quotes, backslashes and every control character (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\ud800-\udfff]/.test(s)),
        (s) => {
          const encoded = tomlBasicString(s);
          expect(encoded).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(JSON.parse(encoded)).toBe(s);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Go durations and thresholds the registry would refuse', () => {
  // Go time.ParseDuration results, from a throwaway Go program (go1.x, GOTOOLCHAIN=local);
  // null where Go returns an error.
  const GO_VECTORS: Array<[string, string | null]> = [
    ['2562047h47m16.854775807s', '9223372036854775807'],
    ['2562047h47m16.854775808s', null],
    ['2562048h', null],
    ['9223372036854775807ns', '9223372036854775807'],
    ['9223372036854775808ns', null],
    ['1.5h', '5400000000000'],
    ['0.1ns', '0'],
    ['1.0000000000000000000001s', '1000000000'],
    ['5m.5s', '300500000000'],
    ['3.7h2562047h', null],
    ['99999999999999999999h', null],
    ['.5us', '500'],
    ['1µs', '1000'],
    ['1μs', '1000'],
  ];
  test.each(GO_VECTORS)('%s is %s ns, as Go computes it', (text, nanos) => {
    const exact = goDurationNanosExact(text);
    expect(exact === undefined ? null : exact.toString()).toBe(nanos);
  });

  test.each([['2562048h'], ['9223372036854775808ns'], ['0.1ns']])('timeout %s is refused', (timeout) => {
    expect(() => build({ notificationEndpoints: [endpoint({ timeout })] })).toThrow(
      /invalid notificationEndpoints\[0\]\.timeout .*at most 2562047h47m16\.854775807s/,
    );
  });

  test.each([[1e21], [2 ** 53], [1.5], [0], [-1], [Number.NaN]])('threshold %s is refused', (threshold) => {
    expect(() => build({ notificationEndpoints: [endpoint({ threshold })] })).toThrow(
      /invalid notificationEndpoints\[0\]\.threshold .*positive integer of at most 9007199254740991/,
    );
  });

  test('property: a duration is accepted only if Go reads it as at most 2^63-1 ns and more than 0', () => {
    const part = fc
      .tuple(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.option(fc.stringMatching(/^[0-9]{0,25}$/)),
        fc.constantFrom('ns', 'us', 'ms', 's', 'm', 'h'),
      )
      .map(([n, f, u]) => `${n}${f === null ? '' : `.${f}`}${u}`);
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 3 }).map((a) => a.join('')),
        (text) => {
          const exact = goDurationNanosExact(text);
          // Upper bound without fractions: the integer parts alone must not exceed the maximum.
          const wholeOnly = [...text.matchAll(/(\d+)(?:\.\d*)?(ns|us|ms|s|m|h)/g)].reduce(
            (sum, [, n, u]) =>
              sum +
              BigInt(n) *
                ({ ns: 1n, us: 1000n, ms: 10n ** 6n, s: 10n ** 9n, m: 6n * 10n ** 10n, h: 36n * 10n ** 11n } as Record<string, bigint>)[u],
            0n,
          );
          if (wholeOnly > GO_MAX_DURATION_NANOS) expect(exact).toBeUndefined();
          if (exact !== undefined) expect(exact <= GO_MAX_DURATION_NANOS && exact >= wholeOnly).toBe(true);
          expect(isPositiveGoDuration(text)).toBe(exact !== undefined && exact > 0n);
        },
      ),
      { numRuns: 300 },
    );
  });
});
