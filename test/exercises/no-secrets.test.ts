/**
 * No secret value reaches dist/. Secrets are created out of band
 * (`kubectl create secret ...`) and referenced by name; no synth-time
 * variable feeds a secret value into the output.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DIST_DIR } from '../../main';

const docs = readdirSync(DIST_DIR).flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIST_DIR, file), 'utf8')).map((d, i) => ({ where: `${file}#${i}`, object: d.toJS() })),
);

/** Every string value with the path it sits at. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

// Shapes of credentials: PEM keys, JWTs, long hex or base64 runs (not image digests), inline passwords.
const SUSPICIOUS: [string, RegExp][] = [
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
  ['hex token', /(?<![0-9a-f])[0-9a-f]{32,}(?![0-9a-f])/i],
  ['base64 blob', /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/])/],
  ['inline password', /\b(password|passwd|secret_key|token)\s*[=:]\s*(?!\$\{|\$\()[^\s"'${}]{4,}/i],
];

/**
 * Long hex runs that are not secrets: image digests, and runs of one repeated
 * character (Gogs' all-zero "before" commit id for a new branch in a filter).
 */
const withoutKnownHex = (value: string) =>
  value.replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>').replace(/([0-9a-f])\1{31,}/gi, '<repeated>');
const looksSecret = (value: string) => SUSPICIOUS.filter(([, pattern]) => pattern.test(withoutKnownHex(value))).map(([what]) => what);

/**
 * Checksums of configuration that is itself in dist/ (they roll pods when a
 * ConfigMap changes); the test below recomputes each one from the ConfigMap.
 */
const CONFIG_CHECKSUM = 'k8s-practice.dev/config-sha256';

describe('dist/ holds no secrets', () => {
  test('there are objects to scan', () => {
    expect(docs.length).toBeGreaterThan(10);
  });

  test('no Secret objects and no data/stringData outside ConfigMaps', () => {
    expect(docs.filter((d) => d.object.kind === 'Secret').map((d) => d.where)).toEqual([]);
    expect(
      docs
        .filter((d) => d.object.kind !== 'ConfigMap' && (d.object.stringData || (d.object.data && d.object.kind !== 'ConfigMap')))
        .map((d) => d.where),
    ).toEqual([]);
  });

  test('no value looks like a token, key or password', () => {
    const hits = docs.flatMap((d) =>
      [...strings(d.object, d.where)]
        .filter(([path]) => !path.endsWith(`.annotations.${CONFIG_CHECKSUM}`))
        .flatMap(([path, value]) => looksSecret(value).map((what) => `${path}: ${what}`)),
    );
    expect(hits).toEqual([]);
  });

  test('every config checksum is the SHA-256 of configuration that is itself in dist/, so it discloses nothing', () => {
    const sha256 = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex');
    const find = (kind: string, name: string) => docs.find((d) => d.object.kind === kind && d.object.metadata.name === name)!.object;
    const annotated = docs.filter((d) => d.object.spec?.template?.metadata?.annotations?.[CONFIG_CHECKSUM]).map((d) => d.object);
    expect(annotated.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/gogs-push-signature',
      'Deployment/registry',
      'StatefulSet/gogs',
    ]);
    const checksum = (o: any) => o.spec.template.metadata.annotations[CONFIG_CHECKSUM];
    // Gogs: its app.ini. Registry: its config.yml and the endpoint list it gets through the environment.
    expect(checksum(find('StatefulSet', 'gogs'))).toBe(sha256(find('ConfigMap', 'gogs-config').data['app.ini']));
    const registry = find('Deployment', 'registry');
    const endpoints = registry.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REGISTRY_NOTIFICATIONS_ENDPOINTS').value;
    expect(checksum(registry)).toBe(sha256(find('ConfigMap', 'registry-config').data['config.yml'], endpoints));
    // The signature interceptor: its program.
    expect(checksum(find('Deployment', 'gogs-push-signature'))).toBe(sha256(find('ConfigMap', 'gogs-push-signature').data['server.js']));
  });

  test('the scanner itself catches planted secrets', () => {
    const planted = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x',
      '356352b23fb3706a109bb50f6872f2d6',
      'U2VjcmV0VmFsdWVUaGF0SXNMb25nRW5vdWdoVG9GbGFnSXQ=',
      'SECRET_KEY = hunter22',
    ];
    for (const value of planted) expect({ value, caught: looksSecret(value).length > 0 }).toEqual({ value, caught: true });
    const harmless = [
      'docker.io/library/registry@sha256:' + 'a'.repeat(64),
      'SECRET_KEY = ${GOGS_SECRET_KEY}',
      'token: $(REGISTRY_TOKEN)',
      "body.after != '" + '0'.repeat(40) + "'",
    ];
    for (const value of harmless) expect({ value, caught: looksSecret(value).length > 0 }).toEqual({ value, caught: false });
  });
});
