/**
 * Tekton's release manifests, pinned in the repository (tools/cluster/tekton-release/, generated
 * from the Pipelines and Triggers modules we build, their images rewritten to the ones
 * tools/images builds), and the release URLs of the README they stand for.
 */
import { join } from 'node:path';
import { REPO_DIR } from './paths';

export const TEKTON_RELEASE_DIR = join(REPO_DIR, 'tools', 'cluster', 'tekton-release');

/** The README's `kubectl apply -f` URL -> the pinned file with the same content. */
export const TEKTON_RELEASE_URLS: Readonly<Record<string, string>> = {
  'https://infra.tekton.dev/tekton-releases/pipeline/previous/v1.15.0/release.yaml': join(TEKTON_RELEASE_DIR, 'pipeline-release.yaml'),
  'https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/release.yaml': join(TEKTON_RELEASE_DIR, 'triggers-release.yaml'),
  'https://infra.tekton.dev/tekton-releases/triggers/previous/v0.37.0/interceptors.yaml': join(
    TEKTON_RELEASE_DIR,
    'triggers-interceptors.yaml',
  ),
};
