import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { REGISTRY_PORT, REPOSITORY_NAME_RULE, checkRegistryHost, isRepositoryName } from '../registry/registry-config';
import { SecretKeyReference, checkSecretKeyReference } from '../../util/secret-key-reference';
import { checkStorageSize } from '../../util/resource-quantity';
import { checkDnsSubdomain, checkOneOf, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { BuildPipeline } from './build-pipeline';
import { celString, celStringList } from './cel-literal';
import { celTrigger } from './cel-trigger';
import { CelOverlay, TriggerBinding, TriggerTemplate } from './triggers-types';
import { GogsSignatureInterceptor } from './gogs-signature-interceptor';
import { WebhookListener } from './webhook-listener';
import { BRANCH_NAME_RULE, isGitBranchName, isGogsRepositoryName } from '../../util/git-names';
import { tektonPipelineRun } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** A commit id of 40 zeros: what a ref deletion would carry as `after`. */
const ZERO_COMMIT = '0'.repeat(40);

/** Props of {@link GogsPushTrigger}. */
export interface GogsPushTriggerProps {
  /** The Pipeline each accepted push runs. */
  readonly pipeline: BuildPipeline;

  /**
   * EventListener name; the listener is reached at `el-<name>`.
   * @default 'gogs-push'
   */
  readonly name?: string;

  /**
   * How the listener knows a delivery comes from our Gogs:
   * - `'signature'`: Gogs signs each delivery with the webhook's secret (`X-Gogs-Signature`,
   *   HMAC-SHA256 of the body); a {@link GogsSignatureInterceptor} checks it before the CEL
   *   filter runs. No secret travels in the URL.
   * - `'url-token'`: the fallback of earlier versions: a token in the webhook URL's query,
   *   compared by the CEL filter. Gogs stores and shows that URL to repository admins, and
   *   access logs record it.
   * @default 'signature'
   */
  readonly authentication?: 'signature' | 'url-token';

  /**
   * The Secret key holding the webhook secret (authentication `'signature'`): the text entered
   * in the Gogs webhook's "Secret" field. Created out of band in the listener's namespace.
   * @default { name: 'gogs-webhook-secret', key: 'secret' }
   */
  readonly webhookSecret?: SecretKeyReference;

  /**
   * Gogs' `EXTERNAL_URL`: the filter accepts only pushes whose `repository.clone_url` starts
   * with it, so a delivery cannot make the pipeline clone and deploy another server's code.
   * @default `http://gogs.<namespace>.svc.<clusterDomain>:3000/` (a `GogsServer` named `gogs`)
   */
  readonly gogsUrl?: string;

  /**
   * The Secret key holding the webhook token (authentication `'url-token'` only). Gogs sends it as the `token`
   * query parameter of the webhook URL (`.../?token=<token>`), and the CEL
   * filter compares it with `compareSecret`. The Secret is created out of
   * band, in the listener's namespace:
   * `kubectl create secret generic gogs-webhook-token --from-literal=token=$(openssl rand -hex 20)`.
   * @default { name: 'gogs-webhook-token', key: 'token' }
   */
  readonly tokenSecret?: SecretKeyReference;

  /**
   * Registry host and port the image is pushed to (`host[:port]`, no scheme).
   * Give either this or {@link registry}. The default assumes an
   * `ImageRegistry` with its default Service name `registry` in the
   * listener's namespace; for any other registry, pass it as `registry` or
   * give its address here.
   * @default `registry.<namespace>.svc.<clusterDomain>:5000`, or `registry.address` when `registry` is given
   */
  readonly registryHost?: string;

  /**
   * The registry the image is pushed to, e.g. an `ImageRegistry`: its
   * `address` (`host:port`) is used as {@link registryHost}.
   * @default see registryHost
   */
  readonly registry?: { readonly address: string };

  /**
   * DNS domain of the cluster, used in the listener's address and in the
   * default {@link registryHost}.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Only pushes to these repositories (Gogs `owner/name`) start a build.
   * The image is pushed to the lower-cased `owner/name`, so that must be a
   * valid registry repository name (e.g. no name starting with "-" or "_").
   * @default every repository
   */
  readonly repositories?: string[];

  /**
   * Only pushes to these branches start a build, e.g. `['master']`.
   * @default every branch
   */
  readonly branches?: string[];

  /**
   * Size of the volume each run clones into (a `volumeClaimTemplate`, so
   * the cluster needs a default StorageClass or `storageClassName`).
   * @default '1Gi'
   */
  readonly workspaceSize?: string;

  /**
   * StorageClass of that volume.
   * @default the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** The prop names of {@link GogsPushTriggerProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const GOGS_PUSH_TRIGGER_PROPS: PropNames<GogsPushTriggerProps> = {
  pipeline: true,
  name: true,
  authentication: true,
  webhookSecret: true,
  gogsUrl: true,
  tokenSecret: true,
  registryHost: true,
  registry: true,
  clusterDomain: true,
  repositories: true,
  branches: true,
  workspaceSize: true,
  storageClassName: true,
};

/**
 * Receives Gogs push webhooks with a Tekton Triggers EventListener and runs
 * {@link BuildPipeline} for each accepted push.
 *
 * The `cel` interceptor's filter accepts only
 * - `X-Gogs-Event: push` (tag pushes send only `create`; deletions only `delete`),
 * - to a branch (`ref` starting with `refs/heads/`), with a 40-hex `after`,
 * - carrying the right token in the URL query (`compareSecret` against
 *   {@link tokenSecret}; Gogs' HMAC signature header cannot be checked by
 *   any built-in interceptor).
 *
 * Overlays add `extensions.short_sha` (first 7 characters of `after`) and
 * `extensions.image_repo` (the lower-cased `owner/name`). The TriggerBinding
 * reads `body.repository.clone_url` and `body.after`; the TriggerTemplate
 * creates a PipelineRun (`generateName`) that pushes
 * `<registryHost>/<owner/name>:<short sha>`, with a fresh
 * `volumeClaimTemplate` workspace and `fsGroup: 65532`.
 *
 * Gogs must be told the listener's exact hostname
 * (`LOCAL_NETWORK_ALLOWLIST`) and URL: use {@link listenerHostname} and
 * {@link listenerUrl}. Add a {@link ListenerNetworkPolicy} so only Gogs pods reach the listener.
 */
export class GogsPushTrigger extends LibraryConstruct {
  /** The EventListener with its ServiceAccount and role bindings. */
  public readonly listener: WebhookListener;
  public readonly binding: TriggerBinding;
  public readonly template: TriggerTemplate;
  /** How deliveries are authenticated. */
  public readonly authentication: 'signature' | 'url-token';
  /** The interceptor that checks Gogs' signature (authentication `'signature'`). */
  public readonly signatureInterceptor?: GogsSignatureInterceptor;
  /** The Secret key holding the webhook token (authentication `'url-token'`; not emitted). */
  public readonly tokenSecret: SecretKeyReference;
  /** Gogs' EXTERNAL_URL, which every accepted `clone_url` starts with. */
  public readonly gogsUrl: string;
  /** Registry host and port images are pushed to. */
  public readonly registryHost: string;
  /** In-cluster hostname of the listener: `el-<name>.<namespace>.svc.<clusterDomain>`. */
  public readonly listenerHostname: string;
  /** The listener's URL without the token: `http://el-<name>.<namespace>.svc.<clusterDomain>:8080/`. */
  public readonly listenerUrl: string;
  /** The CEL filter of the interceptor. */
  public readonly filter: string;
  /** The CEL overlays of the interceptor. */
  public readonly overlays: readonly CelOverlay[];

  constructor(scope: Construct, id: string, props: GogsPushTriggerProps) {
    super(scope, id);
    checkKnownProps(this, 'GogsPushTrigger', props, GOGS_PUSH_TRIGGER_PROPS);
    const pipeline = props?.pipeline;
    if (!(pipeline instanceof BuildPipeline)) invalidProp(this, 'pipeline', pipeline, 'a BuildPipeline');
    const name = props.name ?? 'gogs-push';
    this.tokenSecret = checkSecretKeyReference(this, 'tokenSecret', props.tokenSecret ?? { name: 'gogs-webhook-token', key: 'token' });
    const workspaceSize = checkStorageSize(this, 'workspaceSize', props.workspaceSize ?? '1Gi');
    if (props.storageClassName !== undefined) checkDnsSubdomain(this, 'storageClassName', props.storageClassName);
    const repositories = checkList(
      this,
      'repositories',
      props.repositories,
      GOGS_REPOSITORY,
      `Gogs repository names "owner/name" whose lower-cased form (the image repository) is ${REPOSITORY_NAME_RULE}, the name not ".", ".." and not ending in ".git" or ".wiki" (Gogs refuses those)`,
      (item) => isRepositoryName(item.toLowerCase()) && isGogsRepositoryName(item),
    );
    const branches = checkList(this, 'branches', props.branches, /^(?!refs\/)/, BRANCH_NAME_RULE, isGitBranchName);
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    if (props.registry !== undefined && props.registryHost !== undefined) {
      invalidProp(this, 'registry', props.registry, 'no registry when registryHost is given (give one of the two)');
    }
    if (props.registry !== undefined && (typeof props.registry !== 'object' || props.registry === null)) {
      invalidProp(this, 'registry', props.registry, 'an object with an address "host:port", such as an ImageRegistry');
    }

    this.authentication = checkOneOf(this, 'authentication', props.authentication ?? 'signature', ['signature', 'url-token'] as const);
    const namespace = Chart.of(this).namespace ?? 'default';
    this.gogsUrl = checkGogsUrl(this, props.gogsUrl ?? `http://gogs.${namespace}.svc.${clusterDomain}:3000/`);
    const tokenClauses =
      this.authentication === 'url-token'
        ? [
            "'token' in requestURL.parseURL().query",
            `requestURL.parseURL().query['token'].compareSecret(${celString(this.tokenSecret.key)}, ${celString(this.tokenSecret.name)})`,
          ]
        : [];
    this.filter = [
      "header.match('X-Gogs-Event', 'push')",
      "body.ref.startsWith('refs/heads/')",
      "body.after.matches('^[0-9a-f]{40}$')",
      `body.after != ${celString(ZERO_COMMIT)}`,
      ...(repositories ? [`body.repository.full_name in ${celStringList(repositories)}`] : []),
      ...(branches ? [`body.ref in ${celStringList(branches.map((b) => `refs/heads/${b}`))}`] : []),
      `body.repository.clone_url.startsWith(${celString(this.gogsUrl)})`,
      ...tokenClauses,
    ].join(' && ');
    this.overlays = [
      { key: 'short_sha', expression: 'body.after.truncate(7)' },
      { key: 'image_repo', expression: 'body.repository.full_name.lowerAscii()' },
    ];

    const signatureName = `${name}-signature`;
    this.listener = new WebhookListener(this, 'Listener', {
      name,
      clusterDomain,
      creates: ['PipelineRun'],
      externalRefs: this.authentication === 'url-token' ? [{ kind: 'Secret', name: this.tokenSecret.name }] : [],
      triggers: [
        celTrigger({
          name: 'on-push',
          interceptorName: this.authentication === 'url-token' ? 'only-branch-pushes-with-token' : 'only-branch-pushes-from-our-gogs',
          filter: this.filter,
          overlays: this.overlays,
          bindingRef: `${name}-binding`,
          templateRef: `${name}-template`,
          before:
            this.authentication === 'signature'
              ? [{ name: 'verify-gogs-signature', ref: { name: signatureName, kind: 'NamespacedInterceptor' } }]
              : [],
        }),
      ],
    });
    if (this.authentication === 'signature') {
      this.signatureInterceptor = new GogsSignatureInterceptor(this, 'Signature', {
        listener: this.listener,
        name: signatureName,
        secret: props.webhookSecret,
      });
    }
    this.listenerHostname = this.listener.hostname;
    this.listenerUrl = this.listener.url;
    this.registryHost =
      props.registry !== undefined
        ? checkRegistryHost(this, 'registry.address', props.registry.address)
        : checkRegistryHost(
            this,
            'registryHost',
            props.registryHost ?? `registry.${this.listener.namespace}.svc.${clusterDomain}:${REGISTRY_PORT}`,
          );

    this.binding = new TriggerBinding(this, 'Binding', {
      metadata: { name: `${name}-binding` },
      spec: {
        params: [
          { name: 'git-url', value: '$(body.repository.clone_url)' },
          { name: 'git-revision', value: '$(body.after)' },
          { name: 'image-repo', value: '$(extensions.image_repo)' },
          { name: 'image-tag', value: '$(extensions.short_sha)' },
        ],
      },
    });

    const pipelineRun = tektonPipelineRun().PipelineRunV1.manifest({
      metadata: { generateName: `${pipeline.name}-` },
      spec: {
        pipelineRef: { name: pipeline.name },
        params: [
          { name: 'git-url', value: '$(tt.params.git-url)' },
          { name: 'git-revision', value: '$(tt.params.git-revision)' },
          { name: 'image', value: `${this.registryHost}/$(tt.params.image-repo):$(tt.params.image-tag)` },
        ],
        taskRunTemplate: {
          serviceAccountName: pipeline.runnerServiceAccountName,
          podTemplate: { securityContext: { fsGroup: BuildPipeline.fsGroup } },
        },
        workspaces: [
          {
            name: pipeline.workspace,
            volumeClaimTemplate: {
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: props.storageClassName,
                resources: { requests: { storage: workspaceSize } },
              },
            },
          },
        ],
      },
    }) as Record<string, unknown>; // the import types manifest() as any
    this.template = new TriggerTemplate(this, 'Template', {
      metadata: { name: `${name}-template` },
      spec: {
        params: [
          { name: 'git-url', description: "Repository to clone (the push payload's repository.clone_url)." },
          { name: 'git-revision', description: "Commit that was pushed (the payload's after)." },
          { name: 'image-repo', description: 'Repository part of the image name: the lower-cased owner/name.' },
          { name: 'image-tag', description: 'Image tag: the short commit id.' },
        ],
        resourcetemplates: [pipelineRun],
      },
    });
  }

  /**
   * The webhook URL to enter in Gogs, with the token in the query. For
   * documentation and tests: the library never writes the token anywhere.
   */
  public webhookUrlFor(token: string): string {
    return `${this.listenerUrl}?token=${encodeURIComponent(token)}`;
  }
}

/** Gogs' EXTERNAL_URL: an http(s) URL ending in "/", as Gogs writes it before `owner/name.git`. */
function checkGogsUrl(scope: Construct, value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?\/([A-Za-z0-9._~/-]*\/)?$/.test(value)) {
    invalidProp(
      scope,
      'gogsUrl',
      value,
      'Gogs\' EXTERNAL_URL: "http://host[:port]/" (an optional path ending in "/"), as clone URLs start',
    );
  }
  return value;
}

/** A Gogs repository `owner/name` (Gogs allows letters, digits, "-", "_" and "." in both). */
const GOGS_REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** An optional list of strings matching `pattern` (and `accept`); undefined when absent. */
function checkList(
  scope: Construct,
  field: string,
  value: unknown,
  pattern: RegExp,
  rule: string,
  accept: (item: string) => boolean = () => true,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) invalidProp(scope, field, value, `a non-empty list of ${rule}`);
  for (const item of value) {
    if (typeof item !== 'string' || !pattern.test(item) || !accept(item)) invalidProp(scope, field, item, rule);
  }
  return [...(value as string[])].sort();
}
