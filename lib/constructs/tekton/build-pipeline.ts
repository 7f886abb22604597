import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { PipelineV1 } from '../../../imports/tekton-pipeline-tekton.dev';
import { TEKTON_NONROOT_UID } from '../images';
import { checkDnsSubdomain, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { GitCloneTask } from './git-clone-task';
import { KanikoTask } from './kaniko-task';
import { KANIKO_NEEDS_ROOT } from './kaniko-needs-root';
import { requireProjectAdmits } from '../project/project-pod-security';
import { checkTektonName } from './task-steps';
import { tektonPipeline } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link BuildPipeline}. */
export interface BuildPipelineProps {
  /**
   * Pipeline name.
   * @default 'build-and-push'
   */
  readonly name?: string;

  /**
   * The clone Task to use.
   * @default a new GitCloneTask named `git-clone`
   */
  readonly cloneTask?: GitCloneTask;

  /**
   * The build-and-push Task to use.
   * @default a new KanikoTask named `kaniko`
   */
  readonly buildTask?: KanikoTask;

  /**
   * Build context, relative to the repository root.
   * @default './'
   */
  readonly context?: string;

  /**
   * Dockerfile, relative to the repository root.
   * @default './Dockerfile'
   */
  readonly dockerfile?: string;

  /**
   * Push and pull over plain HTTP without TLS checks (kaniko `--insecure
   * --insecure-pull --skip-tls-verify`), as the in-cluster registry needs:
   * the image is pushed there, and a Dockerfile's `FROM` may name a base
   * image kept there too.
   * @default true
   */
  readonly insecureRegistry?: boolean;

  /**
   * ServiceAccount the PipelineRuns run their pods as. It is created here
   * without an API token: neither Task talks to the API server.
   * @default 'build-runner'
   */
  readonly runnerServiceAccountName?: string;
}

/** The prop names of {@link BuildPipelineProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const BUILD_PIPELINE_PROPS: PropNames<BuildPipelineProps> = {
  name: true,
  cloneTask: true,
  buildTask: true,
  context: true,
  dockerfile: true,
  insecureRegistry: true,
  runnerServiceAccountName: true,
};

/**
 * A Pipeline that clones a git repository and builds and pushes its image:
 * `fetch-source` (git-clone) then `build-and-push` (kaniko).
 *
 * Params: `git-url`, `git-revision` (empty for the remote HEAD) and `image`
 * (the reference to push). Workspace: `source`, shared by both Tasks; give
 * it a volume writable by uid 65532 (`fsGroup: 65532`, see
 * {@link BuildPipeline.fsGroup}). Results: `commit`, `IMAGE_DIGEST`, `IMAGE_URL`.
 *
 * kaniko runs as root, so the runs need a namespace that enforces Pod
 * Security `baseline` (or `privileged`): inside a Project that enforces
 * `restricted` the constructor throws.
 */
export class BuildPipeline extends LibraryConstruct {
  /** fsGroup a PipelineRun's pod template needs so the clone step (uid 65532) can write the workspace. */
  public static readonly fsGroup = TEKTON_NONROOT_UID;

  /** The Pipeline object. */
  public readonly apiObject: PipelineV1;
  public readonly cloneTask: GitCloneTask;
  public readonly buildTask: KanikoTask;
  /** ServiceAccount for the runs' pods (no API token mounted). */
  public readonly runnerServiceAccount: k8s.KubeServiceAccount;
  /** Pipeline name, for `pipelineRef`. */
  public readonly name: string;
  /** Name of {@link runnerServiceAccount}, for `taskRunTemplate.serviceAccountName`. */
  public readonly runnerServiceAccountName: string;
  /** Pipeline params, in order. */
  public readonly params = ['git-url', 'git-revision', 'image'] as const;
  /** The Pipeline's workspace. */
  public readonly workspace = 'source';

  constructor(scope: Construct, id: string, props: BuildPipelineProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'BuildPipeline', props, BUILD_PIPELINE_PROPS);
    props = props ?? {}; // JavaScript callers may pass null
    this.name = checkTektonName(this, 'name', props.name ?? 'build-and-push');
    this.runnerServiceAccountName = checkDnsSubdomain(this, 'runnerServiceAccountName', props.runnerServiceAccountName ?? 'build-runner');
    const context = checkRelativePath(this, 'context', props.context ?? './');
    const dockerfile = checkRelativePath(this, 'dockerfile', props.dockerfile ?? './Dockerfile');
    const insecure = props.insecureRegistry ?? true;
    if (typeof insecure !== 'boolean') invalidProp(this, 'insecureRegistry', insecure, 'true or false');
    if (props.cloneTask !== undefined && !(props.cloneTask instanceof GitCloneTask)) {
      invalidProp(this, 'cloneTask', props.cloneTask, 'a GitCloneTask');
    }
    if (props.buildTask !== undefined && !(props.buildTask instanceof KanikoTask)) {
      invalidProp(this, 'buildTask', props.buildTask, 'a KanikoTask');
    }

    // The PipelineRuns run in this namespace, kaniko's step included.
    requireProjectAdmits(this, 'baseline', `a BuildPipeline: ${KANIKO_NEEDS_ROOT}`);
    this.cloneTask = props.cloneTask ?? new GitCloneTask(this, 'GitClone');
    this.buildTask = props.buildTask ?? new KanikoTask(this, 'Kaniko');

    this.runnerServiceAccount = new k8s.KubeServiceAccount(this, 'RunnerServiceAccount', {
      metadata: { name: this.runnerServiceAccountName },
      automountServiceAccountToken: false,
    });

    this.apiObject = new (tektonPipeline().PipelineV1)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        description: 'Clones a git repository, builds its Dockerfile with kaniko and pushes the image.',
        params: [
          { name: 'git-url', type: 'string', description: 'Repository to clone.' },
          { name: 'git-revision', type: 'string', default: '', description: 'Commit, branch or tag to build; empty for the remote HEAD.' },
          {
            name: 'image',
            type: 'string',
            description: 'Image reference to push, e.g. registry.ci.svc.cluster.local:5000/team/app:abc1234.',
          },
        ],
        workspaces: [{ name: this.workspace, description: 'The checked-out repository, shared by both tasks.' }],
        tasks: [
          {
            name: 'fetch-source',
            taskRef: { name: this.cloneTask.name, kind: 'Task' },
            params: [
              { name: 'url', value: '$(params.git-url)' },
              { name: 'revision', value: '$(params.git-revision)' },
            ],
            workspaces: [{ name: 'output', workspace: this.workspace }],
          },
          {
            name: 'build-and-push',
            taskRef: { name: this.buildTask.name, kind: 'Task' },
            runAfter: ['fetch-source'],
            params: [
              { name: 'IMAGE', value: '$(params.image)' },
              { name: 'CONTEXT', value: context },
              { name: 'DOCKERFILE', value: dockerfile },
              { name: 'EXTRA_ARGS', value: insecure ? ['--insecure', '--insecure-pull', '--skip-tls-verify'] : [] },
            ],
            workspaces: [{ name: 'source', workspace: this.workspace }],
          },
        ],
        results: [
          { name: 'commit', type: 'string', description: 'Commit that was built.', value: '$(tasks.fetch-source.results.commit)' },
          {
            name: 'IMAGE_DIGEST',
            type: 'string',
            description: 'Digest of the pushed image.',
            value: '$(tasks.build-and-push.results.IMAGE_DIGEST)',
          },
          {
            name: 'IMAGE_URL',
            type: 'string',
            description: 'Where the image was pushed.',
            value: '$(tasks.build-and-push.results.IMAGE_URL)',
          },
        ],
      },
    });
  }
}

/** A relative path inside the repository: no leading "/", no "..", no whitespace. */
function checkRelativePath(scope: Construct, field: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.startsWith('/') ||
    /\s/.test(value) ||
    value.split('/').includes('..') ||
    value.includes('$(')
  ) {
    invalidProp(scope, field, value, 'a path relative to the repository root without "..", e.g. "./" or "app/Dockerfile"');
  }
  return value;
}
