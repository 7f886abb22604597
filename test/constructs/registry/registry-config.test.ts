/**
 * The registry constants and syntax checks that registry-config.ts owns and
 * the registry and trigger constructs share.
 */
import { Testing } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_TOKEN_HEADER,
  REGISTRY_LOG_LEVEL,
  REGISTRY_PORT,
  checkRegistryHost,
  isHttpHeaderName,
  isRegistryHost,
  isRepositoryName,
  registryConfig,
  renderRegistryConfig,
} from '../../../lib/constructs/registry/registry-config';

describe('config.yml log level', () => {
  // distribution logs "configuring endpoint <name> (<url>), timeout=..., headers=map[X-Registry-Token:[<token>]]"
  // at info level when it starts (registry/handlers/app.go), after the kubelet has expanded $(ENDPOINT_TOKEN_n).
  const QUIET_ENOUGH = ['warn', 'error', 'fatal', 'panic'];

  test.each([true, false])('is warn, so the endpoint headers (tokens) are not logged (notifications: %s)', (notifications) => {
    const config = parseYaml(renderRegistryConfig(registryConfig({ deleteEnabled: false, notifications })));
    expect(config.log.level).toBe('warn');
    expect(QUIET_ENOUGH).toContain(config.log.level);
    expect(REGISTRY_LOG_LEVEL).toBe(config.log.level);
  });
});

describe('one owner for the registry constants', () => {
  test('port 5000 and the X-Registry-Token header', () => {
    expect(REGISTRY_PORT).toBe(5000);
    expect(DEFAULT_TOKEN_HEADER).toBe('X-Registry-Token');
    expect(isHttpHeaderName(DEFAULT_TOKEN_HEADER)).toBe(true);
  });
});

describe('isRepositoryName (the distribution grammar)', () => {
  test.each(['app', 'gitadmin/demo-app', 'a/b/c', 'a.b', 'a_b', 'a__b', 'a--b', 'a---b', 'x0/y1', 'a'.repeat(255)])(
    'accepts %s',
    (name) => {
      expect(isRepositoryName(name)).toBe(true);
    },
  );

  test.each([
    '',
    'App',
    'a/-x_',
    '-a',
    'a-',
    '_a',
    'a_',
    '.a',
    'a..b',
    'a___b',
    'a._b',
    'a//b',
    '/a',
    'a/',
    'a b',
    'a:tag',
    'a@sha256',
    'a'.repeat(256),
    42,
    undefined,
  ])('rejects %j', (name) => {
    expect(isRepositoryName(name)).toBe(false);
  });
});

describe('isRegistryHost', () => {
  test.each(['registry.ci.svc.cluster.local:5000', 'localhost:30500', 'localhost', 'registry.local', '10.96.0.20:5000', 'r:1', 'r:65535'])(
    'accepts %s',
    (host) => {
      expect(isRegistryHost(host)).toBe(true);
    },
  );

  test.each([
    'registry:99999',
    'registry:65536',
    'registry:0',
    'registry:05000',
    'registry:',
    'http://registry:5000',
    'registry:5000/path',
    'Registry:5000',
    '-registry',
    'registry-',
    'a..b',
    'bad host',
    '',
    ':5000',
    'under_score:5000',
    'a:1:2',
    5000,
    undefined,
  ])('rejects %j', (host) => {
    expect(isRegistryHost(host)).toBe(false);
  });

  test('checkRegistryHost names the construct path and the field', () => {
    const chart = Testing.chart();
    expect(checkRegistryHost(chart, 'imageHost', 'localhost:30500')).toBe('localhost:30500');
    expect(() => checkRegistryHost(chart, 'imageHost', 'localhost:99999')).toThrow(
      /: invalid imageHost "localhost:99999"; expected a registry host/,
    );
  });
});

describe('isHttpHeaderName', () => {
  test.each(['X-Registry-Token', 'Authorization', 'x_y', "a!#$%&'*+.^_`|~"])('accepts %s', (name) => {
    expect(isHttpHeaderName(name)).toBe(true);
  });
  test.each(['', 'X Token', 'X:Token', 'X-Tökén', 'a"b', 7])('rejects %j', (name) => {
    expect(isHttpHeaderName(name)).toBe(false);
  });
});
