/** Where the engines are built and where a running cluster keeps its state. */
import { join, resolve } from 'node:path';

export const REPO_DIR = resolve(__dirname, '..', '..');
/** Built by tools/engines/build.sh (ignored by git). */
export const ENGINE_BIN_DIR = join(REPO_DIR, '.engines', 'bin');
/** kwok's stock Stage configurations, copied from its module by the build. */
export const KWOK_STAGES_DIR = join(REPO_DIR, '.engines', 'kwok-stages');
/** Our own kwok Stages (the kubelet's part for Tekton's pods), versioned with the tests. */
export const OWN_KWOK_STAGES_DIR = join(REPO_DIR, 'tools', 'cluster', 'kwok-stages');
/** The running cluster: kubeconfig, state file, logs, etcd data, keys (ignored by git). */
export const DEFAULT_CLUSTER_DIR = join(REPO_DIR, '.cluster');
/** Another folder may be named with K8S_PRACTICE_CLUSTER_DIR: new, empty, or one the tool made. */
export const CLUSTER_DIR = process.env.K8S_PRACTICE_CLUSTER_DIR ?? DEFAULT_CLUSTER_DIR;

export const engineBinary = (name: string) => join(ENGINE_BIN_DIR, name);
/** The node's images, built by `npm run images:build` (tools/images/), with their index.json. */
export const IMAGES_DIR = join(REPO_DIR, '.engines', 'images');
