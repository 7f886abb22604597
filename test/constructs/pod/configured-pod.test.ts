import { execFileSync } from 'node:child_process';
import { ConfiguredPod, EXTERNAL_REFS_ANNOTATION } from '../../../lib';
import { emptyChart, only, synthWith } from '../../support/helpers';

const props = {
  name: 'env-demo',
  settings: { APP_COLOR: 'blue', APP_MODE: 'practice' },
  secret: { name: 'env-demo-secret', keys: ['DB_PASSWORD'] },
};

describe('ConfiguredPod', () => {
  const objects = synthWith((chart) => new ConfiguredPod(chart, 'c', props));
  const pod = only(objects, 'Pod');
  const container = pod.spec.containers[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.valueFrom]));

  test('a ConfigMap with the settings, and no Secret object at all', () => {
    expect(only(objects, 'ConfigMap').metadata.name).toBe('env-demo-config');
    expect(only(objects, 'ConfigMap').data).toEqual(props.settings);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/stringData|"data":\{"DB_PASSWORD"/);
  });

  test('1. single variables with valueFrom', () => {
    expect(env.APP_COLOR).toEqual({ configMapKeyRef: { name: 'env-demo-config', key: 'APP_COLOR' } });
    expect(env.DB_PASSWORD).toEqual({ secretKeyRef: { name: 'env-demo-secret', key: 'DB_PASSWORD' } });
  });

  test('2. envFrom the whole ConfigMap', () => {
    expect(container.envFrom).toEqual([{ prefix: 'CONFIG_', configMapRef: { name: 'env-demo-config' } }]);
  });

  test('3. ConfigMap and Secret mounted as files', () => {
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/config', readOnly: true },
      { name: 'secret', mountPath: '/etc/secret', readOnly: true },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'config', configMap: { name: 'env-demo-config' } },
      { name: 'secret', secret: { secretName: 'env-demo-secret', defaultMode: 0o440 } },
    ]);
  });

  test('the Secret files are readable by the container user: group-readable, group = fsGroup = the uid', () => {
    expect(pod.spec.securityContext.fsGroup).toBe(container.securityContext.runAsUser);
    expect(pod.spec.volumes[1].secret.defaultMode & 0o040).toBe(0o040);
  });

  test('mount paths and Secret key names reach the script as arguments, never as script text', () => {
    const [sh, flag, script, argv0, ...args] = container.command;
    expect([sh, flag, argv0]).toEqual(['sh', '-c', 'sh']);
    expect(args).toEqual(['/etc/config', '/etc/secret', 'DB_PASSWORD']);
    expect(script).not.toContain('/etc/');
    expect(script).not.toContain('DB_PASSWORD');
  });

  test('kubectl logs never shows a Secret value: the script prints variables named after Secret keys without their value', () => {
    const script = container.command[2];
    const run = (env: Record<string, string>) =>
      execFileSync('sh', ['-c', script.replace('exec sleep 86400', 'true'), 'sh', '/nonexistent-a', '/nonexistent-b', 'DB_PASSWORD'], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    const output = run({ DB_PASSWORD: 'hunter2-secret', APP_MODE: 'practice', PATH: process.env.PATH ?? '/usr/bin:/bin' });
    expect(output).toContain('APP_MODE=practice');
    expect(output).toContain('DB_PASSWORD=(from the Secret; not printed)');
    expect(output).not.toContain('hunter2');
  });

  test('4. the downward API: pod name, namespace, POD IP, node name and INTERNAL IP', () => {
    expect(env.POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    expect(env.POD_NAMESPACE).toEqual({ fieldRef: { fieldPath: 'metadata.namespace' } });
    expect(env.POD_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(env.NODE_NAME).toEqual({ fieldRef: { fieldPath: 'spec.nodeName' } });
    expect(env.NODE_INTERNAL_IP).toEqual({ fieldRef: { fieldPath: 'status.hostIP' } });
  });

  test('the out-of-band Secret is declared on the pod', () => {
    expect(pod.metadata.annotations).toEqual({ [EXTERNAL_REFS_ANNOTATION]: 'Secret/env-demo-secret' });
  });

  test.each([
    [{ settings: {} }, /invalid settings \{\}; expected an object with at least one key/],
    [{ settings: { 'APP-COLOR': 'x' } }, /invalid settings key "APP-COLOR"/],
    [{ settings: { A: 1 } }, /invalid settings\["A"\] 1; expected a string/],
    [{ secret: undefined }, /missing secret/],
    [{ secret: { name: 'Bad', keys: ['A'] } }, /invalid secret.name "Bad"/],
    [{ secret: { name: 's', keys: [] } }, /invalid secret.keys \[\]; expected at least one key/],
    [{ secret: { name: 's', keys: ['APP_COLOR'] } }, /invalid secret.keys "APP_COLOR"; expected keys that are not also settings keys/],
    [{ secret: { name: 's', keys: ['A', 'A'] } }, /invalid secret.keys "A"; expected each key once/],
    [{ configMountPath: 'etc' }, /invalid configMountPath "etc"/],
    [{ secretMountPath: '/etc/config' }, /invalid secretMountPath "\/etc\/config"; expected a path other than configMountPath/],
  ])('rejects %j', (extra, message) => {
    expect(() => new ConfiguredPod(emptyChart(), 'bad', { ...props, ...(extra as any) })).toThrow(message);
  });
});
