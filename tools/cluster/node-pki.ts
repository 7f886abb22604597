/**
 * The local cluster's certificates, made with `openssl` (Node.js can sign no certificate):
 * one throw-away CA per cluster; etcd's serving certificate and the API server's client
 * certificate for it (every cluster); on a real node also the API server's serving
 * certificate, the kubelet's, and the API server's client certificate for the kubelet.
 *
 * With them the kubelet refuses anonymous callers (a pod could otherwise reach its API on the
 * node's address and exec into any pod), and the API server checks it talks to this kubelet.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The API server's side: the cluster CA, its serving certificate and its kubelet client certificate. */
export interface NodeApiServerPki {
  readonly caCert: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly kubeletClientCert: string;
  readonly kubeletClientKey: string;
}

/** etcd's side: the CA, etcd's serving (and peer) certificate, and the API server's client certificate. */
export interface EtcdPki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly apiServerClientCert: string;
  readonly apiServerClientKey: string;
}

/** The kubelet's side: the CA its callers must be signed by, and its serving certificate. */
export interface KubeletPki {
  readonly caCert: string;
  readonly kubeletCert: string;
  readonly kubeletKey: string;
}

const openssl = (args: readonly string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A P-256 key and a certificate for it, signed by the CA, with the given subject and extensions. */
function issue(dir: string, name: string, subject: string, extensions: string): [string, string] {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-subj', subject, '-out', csr]);
  writeFileSync(ext, extensions);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '30',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  chmodSync(key, 0o600);
  rmSync(csr);
  rmSync(ext);
  return [cert, key];
}

/** Makes the cluster CA in `dir` (created 0700) unless it is there. */
function ensureCa(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  if (existsSync(caCert)) return caCert;
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    caKey,
    '-subj',
    '/CN=k8s-practice-cluster-ca',
    '-days',
    '30',
    '-out',
    caCert,
  ]);
  chmodSync(caKey, 0o600);
  return caCert;
}

/**
 * etcd's certificates, as kubeadm makes them: etcd serves (and peers) only over TLS and accepts
 * only clients with a certificate of the cluster CA — the API server's. Without them any local
 * user could read every Secret from etcd's loopback port.
 */
export function makeEtcdPki(dir: string): EtcdPki {
  const caCert = ensureCa(dir);
  const [serverCert, serverKey] = issue(
    dir,
    'etcd-server',
    '/CN=etcd',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const [apiServerClientCert, apiServerClientKey] = issue(
    dir,
    'apiserver-etcd-client',
    '/CN=kube-apiserver-etcd-client',
    'extendedKeyUsage=clientAuth\n',
  );
  return { caCert, serverCert, serverKey, apiServerClientCert, apiServerClientKey };
}

/**
 * Makes the cluster CA in `dir` (created 0700) unless it is there, the API server's serving certificate for every
 * name it is reached by (loopback through the host's forwarder, the node's address, the
 * `kubernetes` Service's ClusterIP and DNS names), and its client certificate for the kubelet.
 */
export function makeApiServerPki(dir: string, names: { nodeIp: string; serviceIp: string; nodeName: string }): NodeApiServerPki {
  const caCert = ensureCa(dir);
  const dnsNames = [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    names.nodeName,
  ];
  const [servingCert, servingKey] = issue(
    dir,
    'apiserver-serving',
    '/CN=kube-apiserver',
    `subjectAltName=${['127.0.0.1', names.nodeIp, names.serviceIp].map((ip) => `IP:${ip}`).join(',')},${dnsNames.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  // system:masters: the kubelet (authorization AlwaysAllow) lets only this certificate in anyway.
  const [kubeletClientCert, kubeletClientKey] = issue(
    dir,
    'apiserver-kubelet-client',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
    'extendedKeyUsage=clientAuth\n',
  );
  return { caCert, servingCert, servingKey, kubeletClientCert, kubeletClientKey };
}

/** The kubelet's serving certificate, signed by the CA `makeApiServerPki` made in `dir`. */
export function makeKubeletPki(dir: string, node: { name: string; ip: string }): KubeletPki {
  const [kubeletCert, kubeletKey] = issue(
    dir,
    'kubelet',
    `/CN=${node.name}`,
    `subjectAltName=IP:${node.ip},DNS:${node.name}\nextendedKeyUsage=serverAuth\n`,
  );
  return { caCert: join(dir, 'ca.crt'), kubeletCert, kubeletKey };
}
