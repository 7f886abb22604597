/**
 * Other local users are hostile: etcd, which holds every Secret, serves
 * only TLS and only to a client with a certificate of the cluster CA (the API server's).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readClusterState } from '../../tools/cluster/local-cluster';
import { CLUSTER_DIR } from '../../tools/cluster/paths';

const etcdPort = () => readClusterState()!.ports.etcdClient!;
const curl = (...args: string[]) => spawnSync('curl', ['-sS', '--max-time', '5', ...args], { encoding: 'utf8' });
const range = (scheme: string) => `${scheme}://127.0.0.1:${etcdPort()}/v3/kv/range`;
// Every key (from \0, range_end \0), counted only: enough to show what a reader could list.
const body = ['-X', 'POST', '-d', '{"key":"AA==","range_end":"AA==","count_only":true}'];

test('etcd refuses plain HTTP and a TLS client without a certificate', () => {
  const plain = curl(...body, range('http'));
  expect(plain.status).not.toBe(0);
  const anonymous = curl('-k', ...body, range('https'));
  expect(anonymous.status).not.toBe(0);
  expect(/"count"/.test(anonymous.stdout)).toBe(false);
});

test("etcd answers the API server's client certificate", () => {
  const pki = join(CLUSTER_DIR, 'pki');
  const withCert = curl(
    '--cacert',
    join(pki, 'ca.crt'),
    '--cert',
    join(pki, 'apiserver-etcd-client.crt'),
    '--key',
    join(pki, 'apiserver-etcd-client.key'),
    ...body,
    range('https'),
  );
  expect(withCert.stderr).toBe('');
  expect(withCert.stdout).toMatch(/"count":"\d+"/);
});
