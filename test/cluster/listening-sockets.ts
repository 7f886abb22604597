/**
 * The listening sockets of the processes the local cluster recorded (and anything they forked:
 * each runs in its own process group), read with `ss`. Our rule: all of them on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readClusterState } from '../../tools/cluster/local-cluster';
import { isOurProcessAlive } from '../../tools/cluster/processes';

export interface ListeningSocket {
  /** The name the cluster recorded for the process (group) that owns the socket. */
  readonly process: string;
  readonly pid: number;
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
}

const processGroup = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined; // exited meanwhile
  }
};

export function listeningSockets(): ListeningSocket[] {
  const groups = new Map((readClusterState()?.processes ?? []).filter(isOurProcessAlive).map((p) => [p.pid, p.name]));
  const sockets: ListeningSocket[] = [];
  for (const line of execFileSync('ss', ['-H', '-l', '-n', '-p', '-t', '-u'], { encoding: 'utf8' }).split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const local = fields[4]!;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    const address = local
      .slice(0, local.lastIndexOf(':'))
      .replace(/^\[|\]$/g, '')
      .replace(/%.*$/, '');
    for (const m of line.matchAll(/pid=(\d+)/g)) {
      const pid = Number(m[1]);
      const name = groups.get(processGroup(pid) ?? -1);
      if (name !== undefined) sockets.push({ process: name, pid, protocol: fields[0]!, address, port });
    }
  }
  return sockets;
}
