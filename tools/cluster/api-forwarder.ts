/**
 * The host's way to the API server of a real-node cluster, which listens only inside the node's
 * network namespace (like kind's port mapping, without Docker): two socat processes, one in the
 * namespace serving a Unix socket (file-system sockets cross network namespaces), one on the
 * host's loopback forwarding each connection to it. The socket is 0600: only root reaches it.
 */
import { inNode } from './node-network';

/** One forwarder process to start: its name in the cluster's state, and its command line. */
export interface ForwarderProcess {
  readonly name: string;
  readonly executable: string;
  readonly args: string[];
}

/** The namespace's half first (the host's half connects to its socket). */
export function apiForwarders(socket: string, hostPort: number, apiPort: number): ForwarderProcess[] {
  const [innerExe, innerArgs] = inNode('/usr/bin/socat', [`UNIX-LISTEN:${socket},fork,mode=600,unlink-early`, `TCP:127.0.0.1:${apiPort}`]);
  return [
    { name: 'api-forwarder-node', executable: innerExe, args: innerArgs },
    {
      name: 'api-forwarder-host',
      executable: '/usr/bin/socat',
      args: [`TCP-LISTEN:${hostPort},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${socket}`],
    },
  ];
}
