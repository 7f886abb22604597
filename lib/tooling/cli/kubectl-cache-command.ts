/**
 * `k8s-practice kubectl-cache [DIR]`: writes a kubectl discovery cache for
 * Kubernetes 1.28 (see kubectl-cache/discovery-cache.ts) and prints its folder,
 * so that `kubectl run` and `kubectl expose -f` with `--dry-run=client` work
 * without a cluster.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandIO, parseArgs, UsageError } from './command-io';
import { KUBECTL_DEFAULT_SERVER, KUBECTL_DISCOVERY_TTL_HOURS, writeDiscoveryCache } from '../kubectl-cache/discovery-cache';

export const KUBECTL_CACHE_USAGE = [
  'usage: k8s-practice kubectl-cache [DIR]',
  "  Writes kubectl's discovery cache for the built-in resources of Kubernetes 1.28 into DIR (default: a new",
  '  temporary folder) and prints the folder. With it, kubectl 1.28 generates YAML with no cluster:',
  '    cache=$(k8s-practice kubectl-cache)',
  '    KUBECONFIG=/nonexistent kubectl --cache-dir="$cache" run nginx --image=nginx --port=80 --dry-run=client -o yaml',
  "  (KUBECONFIG=/nonexistent: no kubeconfig, so kubectl's server is " + `${KUBECTL_DEFAULT_SERVER}, the one the cache is for.)`,
  `  kubectl trusts the cache for ${KUBECTL_DISCOVERY_TTL_HOURS} hours; after that, run this command again (same DIR is fine).`,
  '  Exit code: 0, 2 on a usage error.',
];

/** Runs the command; returns the exit code. */
export function runKubectlCache(args: readonly string[], io: CommandIO): number {
  const { positional } = parseArgs(args, []);
  if (positional.length > 1) throw new UsageError(`kubectl-cache takes at most one folder, got ${positional.length}`);
  const dir = positional[0] === undefined ? mkdtempSync(join(tmpdir(), 'k8s-practice-kubectl-cache-')) : resolve(positional[0]);
  mkdirSync(dir, { recursive: true });
  writeDiscoveryCache(dir);
  io.out(dir);
  return 0;
}
