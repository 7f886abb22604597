import { Construct } from 'constructs';
import { Chart } from 'cdk8s';
import {
  DEFAULT_TOKEN_HEADER,
  HTTP_HEADER_NAME_RULE,
  REGISTRY_PORT,
  REPOSITORY_NAME_RULE,
  checkRegistryHost,
  isHttpHeaderName,
  isRepositoryName,
} from '../registry/registry-config';
import { SecretKeyReference, checkSecretKeyReference } from '../../util/secret-key-reference';
import { checkDnsLabel, checkDnsSubdomain, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { celString } from './cel-literal';
import { DeployImageTask } from './deploy-image-task';
import { celTrigger } from './cel-trigger';
import { CelOverlay, TriggerBinding, TriggerTemplate } from './triggers-types';
import { WebhookListener } from './webhook-listener';
import { tektonTaskRun } from './tekton-imports';
import { LibraryConstruct } from '../library-construct';

/** What {@link RegistryPushTrigger.notificationEndpoint} returns: one registry notification endpoint. */
export interface RegistryEndpointRef {
  /** Endpoint name in the registry's config. */
  readonly name: string;
  /** The listener's URL. */
  readonly url: string;
  /** The Secret key holding the token the registry sends. */
  readonly tokenSecret: SecretKeyReference;
  /** Header the token is sent in. */
  readonly header: string;
}

/** Props of {@link RegistryPushTrigger}. */
export interface RegistryPushTriggerProps {
  /** The Task that sets the Deployment's image; its Role is extended to {@link deployment}. */
  readonly deployTask: DeployImageTask;

  /** Deployment to roll out (in the listener's namespace). */
  readonly deployment: string;

  /**
   * Container of the Deployment whose image is replaced.
   * @default the Deployment's name
   */
  readonly container?: string;

  /**
   * Registry repository whose pushes roll the Deployment out, e.g.
   * `gitadmin/demo-app`. Pushes to other repositories are ignored, so no
   * other image can end up in the Deployment.
   */
  readonly repository: string;

  /**
   * EventListener name; the listener is reached at `el-<name>`.
   * @default 'registry-push'
   */
  readonly name?: string;

  /**
   * The Secret key holding the token the registry sends in
   * {@link tokenHeader}. Created out of band in the listener's namespace, e.g.
   * `kubectl create secret generic registry-webhook-token --from-literal=token=$(openssl rand -hex 20)`.
   * @default { name: 'registry-webhook-token', key: 'token' }
   */
  readonly tokenSecret?: SecretKeyReference;

  /**
   * Header the registry sends the token in.
   * @default 'X-Registry-Token'
   */
  readonly tokenHeader?: string;

  /**
   * Address (`host:port`, no scheme) of the registry whose notifications
   * this listener receives. The Deployment is only ever rolled out to an
   * image on this address: the notification's `request.host` is the Host
   * header the *pusher* sent, which any client allowed to push can set to
   * any value, so it is never used. Give either this or {@link registry}.
   * @default `registry.<namespace>.svc.<clusterDomain>:5000` (an `ImageRegistry` with its default name in the listener's namespace), or `registry.address` when `registry` is given
   */
  readonly registryHost?: string;

  /**
   * The registry whose notifications this listener receives, e.g. an
   * `ImageRegistry`: its `address` (`host:port`) is used as {@link registryHost}.
   * @default see registryHost
   */
  readonly registry?: { readonly address: string };

  /**
   * Host (and port) written into the Deployment's image reference instead
   * of {@link registryHost}, for the same registry reached another way.
   * Nodes usually cannot pull from `registry.<ns>.svc.cluster.local:5000`
   * (their DNS does not resolve cluster names); give the address the
   * nodes' container runtime pulls from, e.g. `localhost:30500` for a
   * NodePort with a containerd mirror.
   * @default the registry's own address ({@link registryHost}), never the host named in the notification
   */
  readonly imageHost?: string;

  /**
   * DNS domain of the cluster, used in the listener's address.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** The prop names of {@link RegistryPushTriggerProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const REGISTRY_PUSH_TRIGGER_PROPS: PropNames<RegistryPushTriggerProps> = {
  deployTask: true,
  deployment: true,
  container: true,
  repository: true,
  name: true,
  tokenSecret: true,
  tokenHeader: true,
  registryHost: true,
  registry: true,
  imageHost: true,
  clusterDomain: true,
};

/**
 * Receives the image registry's notifications with a Tekton Triggers
 * EventListener and rolls a Deployment out to each newly pushed image.
 *
 * The `cel` interceptor's filter accepts an envelope only when one of its
 * events is a manifest push by tag to {@link RegistryPushTriggerProps.repository}
 * (`action == 'push'` and a `target.tag`; blob uploads have no tag, pulls
 * have another action) and the token header matches the Secret
 * (`compareSecret`). An overlay computes `extensions.image` =
 * `<imageHost>/<repository>@<digest>` from the first such event, and the
 * TriggerTemplate creates a TaskRun of {@link DeployImageTask} with it, run
 * as the Task's own ServiceAccount (allowed only get/patch on the Deployment).
 *
 * The image host is fixed when the construct is made (the registry's own
 * address, or {@link RegistryPushTriggerProps.imageHost}): the event's
 * `request.host` is the Host header the pusher sent, so taking it from there
 * would let any client allowed to push have the Deployment pull from a host
 * of its choosing.
 */
export class RegistryPushTrigger extends LibraryConstruct {
  /** The EventListener with its ServiceAccount and role bindings. */
  public readonly listener: WebhookListener;
  public readonly binding: TriggerBinding;
  public readonly template: TriggerTemplate;
  /** The Secret key holding the token (not emitted). */
  public readonly tokenSecret: SecretKeyReference;
  /** Header the registry sends the token in. */
  public readonly tokenHeader: string;
  /** In-cluster hostname of the listener: `el-<name>.<namespace>.svc.<clusterDomain>`. */
  public readonly listenerHostname: string;
  /** The listener's URL: `http://el-<name>.<namespace>.svc.<clusterDomain>:8080/`. */
  public readonly listenerUrl: string;
  /** The CEL filter of the interceptor. */
  public readonly filter: string;
  /** The CEL overlays of the interceptor. */
  public readonly overlays: readonly CelOverlay[];
  /** The Deployment this trigger rolls out. */
  public readonly deployment: string;
  /** The container whose image is set. */
  public readonly container: string;
  /** The registry repository whose pushes are accepted. */
  public readonly repository: string;
  /** Address (`host:port`) of the registry whose notifications are received. */
  public readonly registryHost: string;
  /** Host (and port) of every image reference the Deployment is rolled out to (a fixed value, never the notification's). */
  public readonly imageHost: string;

  constructor(scope: Construct, id: string, props: RegistryPushTriggerProps) {
    super(scope, id);
    checkKnownProps(this, 'RegistryPushTrigger', props, REGISTRY_PUSH_TRIGGER_PROPS);
    const deployTask = props?.deployTask;
    if (!(deployTask instanceof DeployImageTask)) invalidProp(this, 'deployTask', deployTask, 'a DeployImageTask');
    this.deployment = checkDnsSubdomain(this, 'deployment', props.deployment);
    // The TaskRun's generateName is `<task>-<deployment>-`; the API server refuses one over 253 characters.
    const generateName = `${deployTask.name}-${this.deployment}-`;
    if (generateName.length > 253) {
      invalidProp(
        this,
        'deployment',
        props.deployment,
        `a name of at most ${253 - deployTask.name.length - 2} characters, so the TaskRun generateName "${deployTask.name}-<deployment>-" stays within 253`,
      );
    }
    this.container = checkDnsLabel(this, 'container', props.container ?? this.deployment);
    if (!isRepositoryName(props.repository)) invalidProp(this, 'repository', props.repository, REPOSITORY_NAME_RULE);
    this.repository = props.repository;
    const name = props.name ?? 'registry-push';
    this.tokenSecret = checkSecretKeyReference(this, 'tokenSecret', props.tokenSecret ?? { name: 'registry-webhook-token', key: 'token' });
    this.tokenHeader = props.tokenHeader ?? DEFAULT_TOKEN_HEADER;
    if (!isHttpHeaderName(this.tokenHeader)) invalidProp(this, 'tokenHeader', props.tokenHeader, HTTP_HEADER_NAME_RULE);
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    if (props.registry !== undefined && props.registryHost !== undefined) {
      invalidProp(this, 'registry', props.registry, 'no registry when registryHost is given (give one of the two)');
    }
    if (props.registry !== undefined && (typeof props.registry !== 'object' || props.registry === null)) {
      invalidProp(this, 'registry', props.registry, 'an object with an address "host:port", such as an ImageRegistry');
    }
    const namespace = Chart.of(this).namespace ?? 'default';
    this.registryHost =
      props.registry !== undefined
        ? checkRegistryHost(this, 'registry.address', props.registry.address)
        : checkRegistryHost(this, 'registryHost', props.registryHost ?? `registry.${namespace}.svc.${clusterDomain}:${REGISTRY_PORT}`);
    this.imageHost = props.imageHost === undefined ? this.registryHost : checkRegistryHost(this, 'imageHost', props.imageHost);

    const accepted = `e.action == 'push' && 'tag' in e.target && e.target.repository == ${celString(this.repository)}`;
    // A constant, never `e.request.host`: that is the Host header of the push, chosen by the pusher.
    const hostPrefix = celString(`${this.imageHost}/`);
    this.filter = [
      `body.events.exists(e, ${accepted})`,
      `header.canonical(${celString(this.tokenHeader)}).compareSecret(${celString(this.tokenSecret.key)}, ${celString(this.tokenSecret.name)})`,
    ].join(' && ');
    this.overlays = [
      {
        key: 'image',
        expression: `body.events.filter(e, ${accepted}).map(e, ${hostPrefix} + e.target.repository + '@' + e.target.digest)[0]`,
      },
    ];

    this.listener = new WebhookListener(this, 'Listener', {
      name,
      clusterDomain,
      creates: ['TaskRun'],
      externalRefs: [{ kind: 'Secret', name: this.tokenSecret.name }],
      triggers: [
        celTrigger({
          name: 'on-manifest-push',
          interceptorName: 'only-tagged-manifest-pushes-with-token',
          filter: this.filter,
          overlays: this.overlays,
          bindingRef: `${name}-binding`,
          templateRef: `${name}-template`,
        }),
      ],
    });
    this.listenerHostname = this.listener.hostname;
    this.listenerUrl = this.listener.url;

    deployTask.allowDeployment(this.deployment);

    this.binding = new TriggerBinding(this, 'Binding', {
      metadata: { name: `${name}-binding` },
      spec: { params: [{ name: 'image', value: '$(extensions.image)' }] },
    });

    const taskRun = tektonTaskRun().TaskRunV1.manifest({
      metadata: { generateName },
      spec: {
        taskRef: { name: deployTask.name, kind: 'Task' },
        serviceAccountName: deployTask.serviceAccountName,
        params: [
          { name: 'deployment', value: this.deployment },
          { name: 'container', value: this.container },
          { name: 'image', value: '$(tt.params.image)' },
        ],
      },
    }) as Record<string, unknown>; // the import types manifest() as any
    this.template = new TriggerTemplate(this, 'Template', {
      metadata: { name: `${name}-template` },
      spec: {
        params: [{ name: 'image', description: 'Image pushed, by digest: host/repository@sha256:...' }],
        resourcetemplates: [taskRun],
      },
    });
  }

  /** The registry notification endpoint that delivers to this listener. */
  public notificationEndpoint(name = 'tekton'): RegistryEndpointRef {
    return { name, url: this.listenerUrl, tokenSecret: this.tokenSecret, header: this.tokenHeader };
  }
}
