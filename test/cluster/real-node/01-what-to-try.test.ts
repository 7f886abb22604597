/**
 * Exercises 1-7 on a real node: `kubectl apply -f dist/0N-...` as the docs say, then every
 * "What to try" step of the exercise pages (docs/exercises), run as written there (`kubectl` on the PATH is the cluster's;
 * what a test has to change — a node address, a port on the host, `attach -it` — is printed),
 * with its output asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_IP, NODE_NETNS } from '../../../tools/cluster/node-network';
import { DB_PASSWORD, applyExercises, onNode, readmeCommand, sh, shInBackground, substitution, until } from './support';

/** What the nginx stand-in serves at `/` (Debian's default page, as nginx's own says). */
const NGINX_PAGE = /Welcome to nginx!/;
/** The port exercise 4's backend listens on, inside the node's namespace (the Service's 5432). */
const DATABASE_PORT = 5432;

let backend: ReturnType<typeof shInBackground> | undefined;
const backendDir = mkdtempSync(join(tmpdir(), 'external-db-'));

beforeAll(async () => {
  // "A real database": an HTTP server on the node's address, outside every pod.
  writeFileSync(join(backendDir, 'index.html'), 'external-db backend on the node\n');
  backend = shInBackground(
    `nsenter --net=/run/netns/${NODE_NETNS} python3 -m http.server ${DATABASE_PORT} --bind ${NODE_IP} --directory ${backendDir}`,
  );
  await applyExercises();
}, 300_000);

afterAll(async () => {
  await backend?.stop();
  rmSync(backendDir, { recursive: true, force: true });
});

describe('1 pod', () => {
  test('`kubectl get pod -o wide` shows the POD IP, and nginx answers on it', () => {
    const command = readmeCommand(1, 'kubectl get pod nginx');
    const shown = sh(command);
    expect(shown.stderr).toBe('');
    const ip = /\b(10\.244\.0\.\d+)\b/.exec(shown.stdout)?.[1];
    expect(ip).toBeDefined();
    substitution(`"the POD IP" -> curl http://${ip}:8080 on the node (pod IPs are reachable from the node)`);
    const page = onNode('/usr/bin/curl', ['-fsS', '--max-time', '5', `http://${ip}:8080/`]);
    expect(page.stdout).toMatch(NGINX_PAGE);
  });

  test('`kubectl port-forward` brings the page to the host', async () => {
    const command = readmeCommand(1, 'kubectl port-forward');
    expect(command).toBe('kubectl port-forward -n pod-basics pod/nginx 8080');
    // 8080 may be taken on the host: the same command with a free local port.
    const local = 18080 + (process.pid % 1000);
    substitution(`${command} -> local port ${local} (8080 may be taken here)`);
    const forward = shInBackground(command.replace(/ 8080$/, ` ${local}:8080`));
    try {
      await until('port-forward to listen', () => (forward.output().includes('Forwarding from') ? true : undefined));
      const page = sh(`curl -fsS --max-time 5 http://localhost:${local}`);
      expect(page.stdout).toMatch(NGINX_PAGE);
    } finally {
      await forward.stop();
    }
  });
});

describe('2 ClusterIP', () => {
  test('wget from inside the namespace goes through cluster DNS and the ClusterIP', () => {
    const command = readmeCommand(2, 'kubectl exec -n expose-clusterip');
    const answer = sh(command);
    expect(answer.stderr).toBe('');
    expect(answer.stdout).toMatch(NGINX_PAGE);
  });

  test('the Endpoints list the pod IP the Service forwards to', () => {
    const podIp = sh('kubectl get pod nginx -n expose-clusterip -o jsonpath={.status.podIP}').stdout;
    const endpoints = sh(readmeCommand(2, 'kubectl get endpoints'));
    expect(endpoints.stdout).toContain(`${podIp}:8080`);
  });
});

describe('3 NodePort', () => {
  test("the node's INTERNAL-IP answers on port 30080", () => {
    const nodes = sh(readmeCommand(3, 'kubectl get nodes'));
    expect(nodes.stdout).toContain(NODE_IP);
    const url = readmeCommand(3, 'http://');
    expect(url).toBe("http://<any node's INTERNAL-IP>:30080");
    substitution(`open ${url} -> curl http://${NODE_IP}:30080 on the node`);
    const page = onNode('/usr/bin/curl', ['-fsS', '--max-time', '5', `http://${NODE_IP}:30080/`]);
    expect(page.stdout).toMatch(NGINX_PAGE);
  });
});

describe('4 SEP', () => {
  test('the hand-made Endpoints and EndpointSlice stay as written', () => {
    const listed = sh(readmeCommand(4, 'kubectl get endpoints,endpointslices'));
    expect(listed.stdout).toContain(`${NODE_IP}:5432`);
    expect(listed.stdout).toMatch(new RegExp(`external-db-ipv4\\s+IPv4\\s+5432\\s+${NODE_IP.replace(/\./g, '\\.')}`));
  });

  test('a pod reaches the backend through the selector-less Service', () => {
    // Exercise 4 has no pod of its own: exercise 2's nginx (its busybox wget) is the client.
    substitution('a client for exercise 4 -> kubectl exec -n expose-clusterip nginx -- wget ... external-db.service-endpoints:5432');
    const answer = sh('kubectl exec -n expose-clusterip nginx -- wget -qO- -T 3 http://external-db.service-endpoints:5432');
    expect(answer.stderr).toBe('');
    expect(answer.stdout).toContain('external-db backend on the node');
  });
});

describe('5 shared process namespace', () => {
  const ps = () => sh('kubectl exec -n shared-pid nginx -c shell -- ps ax');

  test('PID 1 is /pause, the sandbox container', () => {
    expect(whatToTry5()).toContain('ps ax');
    substitution(
      'kubectl attach -it nginx -n shared-pid -c shell, then ps ax -> kubectl exec -n shared-pid nginx -c shell -- ps ax (no terminal here)',
    );
    const listing = ps();
    expect(listing.stderr).toBe('');
    expect(listing.stdout).toMatch(/^\s*1\s+\S+\s+\S+\s+\/pause\s*$/m);
    expect(listing.stdout).toMatch(/nginx: master process/);
  });

  test('kill -HUP <nginx pid> from the shell container makes nginx start new workers', async () => {
    const workers = (text: string) => [...text.matchAll(/^\s*(\d+)\s.*nginx: worker process/gm)].map((m) => m[1]!);
    const before = ps().stdout;
    const master = /^\s*(\d+)\s.*nginx: master process/m.exec(before)?.[1];
    expect(master).toBeDefined();
    substitution(`kill -HUP <nginx pid> -> kill -HUP ${master} through kubectl exec`);
    const killed = sh(`kubectl exec -n shared-pid nginx -c shell -- kill -HUP ${master}`);
    expect(killed.status).toBe(0);
    const old = workers(before);
    const renewed = await until('new nginx workers', () => {
      const now = workers(ps().stdout);
      return now.length > 0 && now.every((pid) => !old.includes(pid)) ? now : undefined;
    });
    expect(renewed.length).toBeGreaterThan(0);
  });
});

/** The README's commands for exercise 5 (its steps are typed inside `attach`). */
function whatToTry5(): string[] {
  return [readmeCommand(5, 'kubectl attach'), readmeCommand(5, 'ps ax'), readmeCommand(5, 'kill -HUP')];
}

describe('6 environment', () => {
  test('the logs show the environment, and the Secret by name only', () => {
    const logs = sh(readmeCommand(6, 'kubectl logs env-demo'));
    expect(logs.stderr).toBe('');
    expect(logs.stdout).toMatch(/POD_IP=10\.244\.0\.\d+/);
    expect(logs.stdout).toContain(`NODE_NAME=`);
    expect(logs.stdout).toContain(`NODE_INTERNAL_IP=${NODE_IP}`);
    expect(logs.stdout).toMatch(/CONFIG_\w+=/);
    expect(logs.stdout).toContain('DB_PASSWORD');
    expect(logs.stdout).not.toContain(DB_PASSWORD);
  });

  test('the mounted Secret file is readable by the non-root user', () => {
    const read = sh(readmeCommand(6, 'kubectl exec -n env-config env-demo'));
    expect(read.stderr).toBe('');
    expect(read.stdout).toBe(DB_PASSWORD);
  });
});

describe('7 NetworkPolicy', () => {
  test('allowed-client gets the page', () => {
    const answer = sh(readmeCommand(7, 'kubectl exec -n network-policy allowed-client'));
    expect(answer.stderr).toBe('');
    expect(answer.stdout).toMatch(NGINX_PAGE);
  });

  test('denied-client does not, as the docs say', () => {
    const allowed = readmeCommand(7, 'kubectl exec -n network-policy allowed-client');
    const command = allowed.replace('allowed-client', 'denied-client');
    const answer = sh(command);
    expect(answer.status).not.toBe(0);
    expect(answer.stdout).toBe('');
    // kube-router rejects denied traffic (ICMP port unreachable): refused at once, no time-out.
    expect(answer.stderr).toMatch(/Connection refused/);
  });
});
