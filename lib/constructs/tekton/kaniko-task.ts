import { Construct } from 'constructs';
import type { TaskV1 } from '../../../imports/tekton-task-tekton.dev';
import { Images, KANIKO_IMAGE, NOBODY_UID } from '../images';
import { ContainerSize, restrictedContainerSecurityContext } from '../restricted-defaults';
import { checkImage, checkKnownProps, PropNames } from '../../util/props-check';
import { checkTektonName, stepResources } from './task-steps';
import { requireProjectAdmits } from '../project/project-pod-security';
import { KANIKO_NEEDS_ROOT } from './kaniko-needs-root';
import { tektonTask } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link KanikoTask}. */
export interface KanikoTaskProps {
  /**
   * Task name.
   * @default 'kaniko', the catalog Task's name
   */
  readonly name?: string;

  /**
   * The kaniko executor image (its binary must be `/kaniko/executor`).
   * @default KANIKO_IMAGE
   */
  readonly builderImage?: string;
}

/** The prop names of {@link KanikoTaskProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const KANIKO_TASK_PROPS: PropNames<KanikoTaskProps> = { name: true, builderImage: true };

/**
 * Requests and limits of the build step. Limits must be set: a namespace
 * LimitRange (the projects' `container-defaults`: 200m / 128Mi) gives a
 * container without limits its default limits, which would be below these
 * requests, and the API server refuses a pod whose request exceeds its
 * limit. The limits leave room for building typical small images; a build
 * that needs more memory is OOM-killed and needs a bigger limit here.
 */
const KANIKO_BUILD_SIZE: ContainerSize = {
  cpuRequest: '250m',
  memoryRequest: '256Mi',
  cpuLimit: '2',
  memoryLimit: '2Gi',
};

/** The script of the step that reports IMAGE_URL. Params arrive as environment variables. */
const WRITE_URL_SCRIPT = `#!/bin/sh
set -eu
printf '%s' "$PARAM_IMAGE" > "$RESULT_IMAGE_URL_PATH"
`;

/**
 * A Task that builds a Dockerfile with kaniko and pushes the image, written
 * for this library with the same interface as the Tekton catalog's `kaniko`:
 * params `IMAGE`, `DOCKERFILE` (`./Dockerfile`), `CONTEXT` (`./`),
 * `EXTRA_ARGS` (array, empty); workspaces `source` and optional
 * `dockerconfig` (mounted at `/kaniko/.docker`); results `IMAGE_DIGEST` and
 * `IMAGE_URL`.
 *
 * For the in-cluster registry, which speaks plain HTTP, pass `--insecure`
 * (push), `--insecure-pull` (a base image kept there) and `--skip-tls-verify`
 * in `EXTRA_ARGS`; BuildPipeline does.
 *
 * kaniko unpacks the base image into its own root filesystem and so runs as
 * root (uid 0) with the default capabilities. That is allowed by the
 * `baseline` Pod Security Standard (no privileged mode, no added
 * capabilities, no host namespaces) but not by `restricted`: the namespace
 * that runs this Task must enforce `baseline` (checked at synth time when
 * the Task is in a Project). The second step, which only
 * writes a result, is restricted-compliant.
 */
export class KanikoTask extends LibraryConstruct {
  /** The Task object. */
  public readonly apiObject: TaskV1;
  /** Task name, for `taskRef`. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: KanikoTaskProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'KanikoTask', props, KANIKO_TASK_PROPS);
    props = props ?? {}; // JavaScript callers may pass null
    this.name = checkTektonName(this, 'name', props.name ?? 'kaniko');
    // TaskRuns run in the Task's namespace, so a Project stricter than baseline could never run it.
    requireProjectAdmits(this, 'baseline', KANIKO_NEEDS_ROOT);
    const builderImage = checkImage(this, 'builderImage', props.builderImage ?? KANIKO_IMAGE);

    this.apiObject = new (tektonTask().TaskV1)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        description: 'Builds the Dockerfile in the source workspace with kaniko and pushes the image.',
        params: [
          {
            name: 'IMAGE',
            type: 'string',
            description: 'Image reference to push, e.g. registry.ci.svc.cluster.local:5000/team/app:abc1234.',
          },
          {
            name: 'DOCKERFILE',
            type: 'string',
            default: './Dockerfile',
            description: 'Path of the Dockerfile, relative to the source workspace.',
          },
          { name: 'CONTEXT', type: 'string', default: './', description: 'Build context directory, relative to the source workspace.' },
          { name: 'EXTRA_ARGS', type: 'array', default: [], description: 'More kaniko flags, e.g. --insecure for a plain-HTTP registry.' },
        ],
        workspaces: [
          { name: 'source', description: 'Holds the Dockerfile and the build context.' },
          {
            name: 'dockerconfig',
            optional: true,
            mountPath: '/kaniko/.docker',
            description: 'A config.json with registry credentials, for registries that need them.',
          },
        ],
        results: [
          { name: 'IMAGE_DIGEST', type: 'string', description: 'Digest of the pushed image (sha256:...).' },
          { name: 'IMAGE_URL', type: 'string', description: 'Image reference the image was pushed to.' },
        ],
        steps: [
          {
            name: 'build-and-push',
            image: builderImage,
            // The executor image has no shell, so the binary is called directly.
            command: ['/kaniko/executor'],
            args: [
              '$(params.EXTRA_ARGS[*])',
              '--dockerfile=$(params.DOCKERFILE)',
              '--context=$(workspaces.source.path)/$(params.CONTEXT)',
              '--destination=$(params.IMAGE)',
              '--digest-file=$(results.IMAGE_DIGEST.path)',
            ],
            workingDir: '$(workspaces.source.path)',
            env: [{ name: 'DOCKER_CONFIG', value: '/kaniko/.docker' }],
            // Root, default capabilities, not privileged: the most the baseline profile allows.
            securityContext: { runAsUser: 0 },
            computeResources: stepResources(KANIKO_BUILD_SIZE),
          },
          {
            name: 'write-url',
            image: Images.shell,
            env: [
              { name: 'PARAM_IMAGE', value: '$(params.IMAGE)' },
              { name: 'RESULT_IMAGE_URL_PATH', value: '$(results.IMAGE_URL.path)' },
            ],
            script: WRITE_URL_SCRIPT,
            securityContext: restrictedContainerSecurityContext(NOBODY_UID),
            computeResources: stepResources(),
          },
        ],
      },
    });
  }
}
