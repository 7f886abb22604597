/**
 * Real Gogs v0.14.3 (built by `tools/engines/build.sh gogs`) run on 127.0.0.1 with the app.ini
 * we synthesize. Only what a local run needs is changed, and `LOCAL_CHANGES` says what:
 * paths (the pod's volumes are folders here), the HTTP address and port, and the SSH server
 * (off: it would listen on every interface, and pushes go over HTTP).
 *
 * In-cluster host names (the listener's `el-...svc.cluster.local`) are pointed at 127.0.0.1 for
 * Gogs only: it runs in a private mount namespace whose /etc/hosts has those names added.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_DIR, engineBinary } from './paths';
import { startClusterProcess } from './local-cluster';
import { freePort, httpGet } from './network';
import { StartedProcess, isOurProcessAlive, waitFor } from './processes';

/** One app.ini change a local run needs: `[section] KEY = value`, and why. */
export interface AppIniChange {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly why: string;
}

/** The changes made to the synthesized app.ini, for a folder `dir` and an HTTP port. */
export function localChanges(dir: string, httpPort: number): AppIniChange[] {
  return [
    { section: 'server', key: 'HTTP_ADDR', value: '127.0.0.1', why: 'listen on loopback only' },
    { section: 'server', key: 'HTTP_PORT', value: String(httpPort), why: 'a free port' },
    { section: 'server', key: 'APP_DATA_PATH', value: join(dir, 'data'), why: 'the volume is a folder' },
    { section: 'server', key: 'START_SSH_SERVER', value: 'false', why: 'it would listen on every interface; pushes use HTTP' },
    { section: 'database', key: 'PATH', value: join(dir, 'data', 'gogs.db'), why: 'the volume is a folder' },
    { section: 'repository', key: 'ROOT', value: join(dir, 'repositories'), why: 'the volume is a folder' },
    { section: 'repository.upload', key: 'TEMP_PATH', value: join(dir, 'data', 'tmp', 'uploads'), why: 'the volume is a folder' },
    { section: 'log', key: 'ROOT_PATH', value: join(dir, 'log'), why: 'the container logs to its own folder' },
  ];
}

/** Applies `changes` to INI text: replaces each key's value in its section, adding what is missing. */
export function applyIniChanges(text: string, changes: readonly AppIniChange[]): string {
  const lines = text.split('\n');
  const pending = [...changes];
  let section = '';
  const out: string[] = [];
  const flush = (name: string) => {
    for (const c of pending.filter((p) => p.section === name)) out.push(`${c.key} = ${c.value}`);
    pending.splice(0, pending.length, ...pending.filter((p) => p.section !== name));
  };
  for (const line of lines) {
    const header = /^\[(.+)\]\s*$/.exec(line);
    if (header) {
      flush(section);
      section = header[1]!;
      out.push(line);
      continue;
    }
    const key = /^([A-Z_]+)\s*=/.exec(line)?.[1];
    const change = key ? pending.find((c) => c.section === section && c.key === key) : undefined;
    if (change) {
      out.push(`${change.key} = ${change.value}`);
      pending.splice(pending.indexOf(change), 1);
    } else {
      out.push(line);
    }
  }
  flush(section);
  for (const name of [...new Set(pending.map((c) => c.section))]) {
    out.push('', `[${name}]`);
    flush(name);
  }
  return out.join('\n');
}

/** A running Gogs. */
export interface LocalGogs {
  readonly url: string;
  readonly config: string;
  readonly env: NodeJS.ProcessEnv;
  readonly process: StartedProcess;
  readonly changes: readonly AppIniChange[];
}

/**
 * Starts Gogs with `appIni` (the synthesized text), `secretKey` in GOGS_SECRET_KEY as the pod
 * gets it from its Secret, and `hostAliases` resolving to 127.0.0.1 for Gogs only.
 */
export async function startGogs(appIni: string, hostAliases: readonly string[]): Promise<LocalGogs> {
  const dir = join(CLUSTER_DIR, 'gogs');
  for (const sub of ['data', 'repositories', 'log', 'custom', 'home']) mkdirSync(join(dir, sub), { recursive: true });
  const port = await freePort();
  const changes = localChanges(dir, port);
  const config = join(dir, 'app.ini');
  writeFileSync(config, applyIniChanges(appIni, changes));
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n127.0.0.1 ${hostAliases.join(' ')}\n`);
  // The environment the StatefulSet gives the container (GOGS_CUSTOM, USER, HOME, GOGS_SECRET_KEY).
  const env = {
    ...process.env,
    GOGS_CUSTOM: join(dir, 'custom'),
    GOGS_WORK_DIR: dir,
    USER: 'git',
    HOME: join(dir, 'home'),
    GOGS_SECRET_KEY: randomBytes(32).toString('hex'),
  };
  const gogs = engineBinary('gogs');
  const proc = startClusterProcess(
    'gogs',
    '/usr/bin/unshare',
    ['--mount', '/bin/sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$1" web --config "$2"', hosts, gogs, config],
    env,
    gogs,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    'Gogs to serve /healthcheck',
    async () => {
      if (!isOurProcessAlive(proc)) throw new Error('gogs exited');
      return (await httpGet(`${url}/healthcheck`)).status === 200;
    },
    60_000,
  );
  return { url, config, env, process: proc, changes };
}

/** Runs a `gogs` CLI command with the running Gogs' config and environment (as `kubectl exec` would). */
export function gogsCommand(gogs: LocalGogs, args: readonly string[]): string {
  return execFileSync(engineBinary('gogs'), [...args, '--config', gogs.config], {
    env: gogs.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
