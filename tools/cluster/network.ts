/** Free loopback ports and small HTTP(S) probes for health checks. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * GET `url` and resolve with the status and body. TLS certificates are not verified:
 * these are self-signed serving certificates of processes we started on loopback. A client
 * certificate is sent when given (etcd accepts nobody without one).
 */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 2000,
  clientCertificate?: { cert: string; key: string },
): Promise<{ status: number; body: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  const tls = clientCertificate ? { cert: readFileSync(clientCertificate.cert), key: readFileSync(clientCertificate.key) } : {};
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, rejectUnauthorized: false, timeout: timeoutMs, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
