import { Construct } from 'constructs';
import type { TaskV1 } from '../../../imports/tekton-task-tekton.dev';
import { GIT_IMAGE, TEKTON_NONROOT_UID } from '../images';
import { restrictedContainerSecurityContext } from '../restricted-defaults';
import { checkImage, checkKnownProps, PropNames } from '../../util/props-check';
import { checkTektonName, scratchHome, stepResources } from './task-steps';
import { tektonTask } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** Props of {@link GitCloneTask}. */
export interface GitCloneTaskProps {
  /**
   * Task name.
   * @default 'git-clone', the catalog Task's name, so a Pipeline written for the catalog Task finds it
   */
  readonly name?: string;

  /**
   * Image with `git` and `/bin/sh`.
   * @default GIT_IMAGE (alpine/git)
   */
  readonly image?: string;
}

/** The prop names of {@link GitCloneTaskProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const GIT_CLONE_TASK_PROPS: PropNames<GitCloneTaskProps> = { name: true, image: true };

/**
 * The script of the clone step. Params arrive as environment variables, never
 * spliced into the script, and are data: each is checked before use (a depth
 * is digits, a revision or URL never starts with "-" so git cannot read it as
 * an option, the subdirectory stays inside the workspace) and passed after
 * "--" wherever git takes options.
 */
const CLONE_SCRIPT = `#!/bin/sh
set -eu
if [ "$PARAM_VERBOSE" = "true" ]; then set -x; fi

fail() { echo "git-clone: $1" >&2; exit 1; }
case "$PARAM_DEPTH" in
  ''|*[!0-9]*) fail "param depth must be digits (0 for the whole history), not '$PARAM_DEPTH'" ;;
esac
case "$PARAM_URL" in
  ''|-*) fail "param url must be a repository URL, not '$PARAM_URL'" ;;
esac
case "$PARAM_REVISION" in
  -*) fail "param revision must not start with '-': '$PARAM_REVISION'" ;;
esac
for value in "$PARAM_URL" "$PARAM_REVISION"; do
  if [ "$(printf '%s' "$value" | LC_ALL=C tr -d '[:cntrl:][:space:]')" != "$value" ]; then
    fail "params url and revision must not contain spaces or control characters"
  fi
done
case "$PARAM_SUBDIRECTORY" in
  '') ;;
  /*|.|..|./*|../*|*/.|*/..|*/./*|*/../*) fail "param subdirectory must be a relative path inside the workspace without '.' or '..', not '$PARAM_SUBDIRECTORY'" ;;
esac

dest="$WORKSPACE_OUTPUT_PATH"
if [ -n "$PARAM_SUBDIRECTORY" ]; then
  dest="$dest/$PARAM_SUBDIRECTORY"
fi
# A symbolic link left by an earlier clone could lead the target out of the workspace.
sub="$WORKSPACE_OUTPUT_PATH"
rest="$PARAM_SUBDIRECTORY"
while [ -n "$rest" ]; do
  part="\${rest%%/*}"
  if [ "$part" = "$rest" ]; then rest=""; else rest="\${rest#*/}"; fi
  if [ -z "$part" ]; then continue; fi
  sub="$sub/$part"
  if [ -L "$sub" ]; then fail "param subdirectory passes through the symbolic link $sub"; fi
done

# Empty the target (hidden files too) but keep the directory itself:
# it may be the volume's mount point.
if [ "$PARAM_DELETE_EXISTING" = "true" ] && [ -d "$dest" ]; then
  find "$dest" -mindepth 1 -maxdepth 1 -exec rm -rf {} \\;
fi
mkdir -p "$dest"
cd "$dest"

# The volume root belongs to root (group: the pod's fsGroup), not to us;
# tell git that is fine.
git config --global --add safe.directory "$dest"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
if [ "$PARAM_SSL_VERIFY" = "false" ]; then
  git config --global http.sslVerify false
fi

git init --quiet
git remote add -- origin "$PARAM_URL"

depth=""
if [ "$PARAM_DEPTH" != "0" ]; then depth="--depth=$PARAM_DEPTH"; fi
revision="\${PARAM_REVISION:-HEAD}"

# A server that refuses a fetch by commit id (git protocol v0 without
# allowReachableSHA1InWant) gets a full fetch of its branches instead.
# shellcheck disable=SC2086
if git fetch --quiet $depth -- origin "$revision"; then
  git checkout --quiet --detach FETCH_HEAD
else
  echo "git-clone: fetching $revision failed; fetching all branches" >&2
  git fetch --quiet -- origin '+refs/heads/*:refs/remotes/origin/*'
  git checkout --quiet --detach "$revision" 2>/dev/null \\
    || git checkout --quiet --detach "origin/$revision"
fi

if [ "$PARAM_SUBMODULES" = "true" ]; then
  # shellcheck disable=SC2086
  git submodule update --quiet --init --recursive $depth
fi

printf '%s' "$(git rev-parse HEAD)" > "$RESULT_COMMIT_PATH"
printf '%s' "$PARAM_URL" > "$RESULT_URL_PATH"
printf '%s' "$(git log -1 --pretty=%ct)" > "$RESULT_COMMITTER_DATE_PATH"
echo "git-clone: checked out $(git rev-parse HEAD) into $dest"
`;

/**
 * A Task that clones a git repository into its `output` workspace, written
 * for this library with the same interface as the Tekton catalog's
 * `git-clone` (params `url`, `revision`, `depth`, `submodules`, `sslVerify`,
 * `subdirectory`, `deleteExisting`, `verbose`; workspace `output`; results
 * `commit`, `url`, `committer-date`). The catalog cannot be fetched at apply
 * time, so the Task is emitted with the rest.
 *
 * The step runs as uid 65532 under the `restricted` Pod Security Standard,
 * so the workspace volume must be writable by that uid: give the
 * PipelineRun's pod template `fsGroup: 65532` (BuildPipeline's triggers do).
 */
export class GitCloneTask extends LibraryConstruct {
  /** The Task object. */
  public readonly apiObject: TaskV1;
  /** Task name, for `taskRef`. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GitCloneTaskProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'GitCloneTask', props, GIT_CLONE_TASK_PROPS);
    props = props ?? {}; // JavaScript callers may pass null
    this.name = checkTektonName(this, 'name', props.name ?? 'git-clone');
    const image = checkImage(this, 'image', props.image ?? GIT_IMAGE);
    // The root filesystem is read-only: git writes its global config under HOME.
    const home = scratchHome('/home/git');

    this.apiObject = new (tektonTask().TaskV1)(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        description: 'Clones a git repository into the output workspace and reports the commit it checked out.',
        params: [
          { name: 'url', type: 'string', description: 'Repository URL to clone.' },
          { name: 'revision', type: 'string', default: '', description: 'Branch, tag or commit to check out; empty for the remote HEAD.' },
          { name: 'depth', type: 'string', default: '1', description: 'History depth to fetch; "0" for all of it.' },
          { name: 'submodules', type: 'string', default: 'true', description: 'Whether to initialise and fetch submodules.' },
          { name: 'sslVerify', type: 'string', default: 'true', description: 'Set "false" to accept any TLS certificate.' },
          { name: 'subdirectory', type: 'string', default: '', description: 'Directory inside the workspace to clone into.' },
          { name: 'deleteExisting', type: 'string', default: 'true', description: 'Empty the target directory first.' },
          { name: 'verbose', type: 'string', default: 'true', description: 'Trace the commands the step runs.' },
        ],
        workspaces: [{ name: 'output', description: 'The repository is cloned here.' }],
        results: [
          { name: 'commit', type: 'string', description: 'Commit id that was checked out.' },
          { name: 'url', type: 'string', description: 'URL that was cloned.' },
          { name: 'committer-date', type: 'string', description: 'Committer date of the commit, in seconds since the epoch.' },
        ],
        steps: [
          {
            name: 'clone',
            image,
            env: [
              home.env,
              { name: 'PARAM_URL', value: '$(params.url)' },
              { name: 'PARAM_REVISION', value: '$(params.revision)' },
              { name: 'PARAM_DEPTH', value: '$(params.depth)' },
              { name: 'PARAM_SUBMODULES', value: '$(params.submodules)' },
              { name: 'PARAM_SSL_VERIFY', value: '$(params.sslVerify)' },
              { name: 'PARAM_SUBDIRECTORY', value: '$(params.subdirectory)' },
              { name: 'PARAM_DELETE_EXISTING', value: '$(params.deleteExisting)' },
              { name: 'PARAM_VERBOSE', value: '$(params.verbose)' },
              { name: 'WORKSPACE_OUTPUT_PATH', value: '$(workspaces.output.path)' },
              { name: 'RESULT_COMMIT_PATH', value: '$(results.commit.path)' },
              { name: 'RESULT_URL_PATH', value: '$(results.url.path)' },
              { name: 'RESULT_COMMITTER_DATE_PATH', value: '$(results.committer-date.path)' },
            ],
            script: CLONE_SCRIPT,
            securityContext: restrictedContainerSecurityContext(TEKTON_NONROOT_UID),
            computeResources: stepResources(),
            volumeMounts: home.volumeMounts,
          },
        ],
        volumes: home.volumes,
      },
    });
  }
}
