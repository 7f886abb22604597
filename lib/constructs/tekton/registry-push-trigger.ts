import { Construct } from 'constructs';
import {
  DEFAULT_TOKEN_HEADER,
  HTTP_HEADER_NAME_RULE,
  REPOSITORY_NAME_RULE,
  checkRegistryHost,
  isHttpHeaderName,
  isRepositoryName,
} from '../registry/registry-config';
import { SecretKeyReference, checkSecretKeyReference } from '../../util/secret-key-reference';
import { checkDnsLabel, checkDnsSubdomain, invalidProp, checkKnownProps } from '../../util/props-check';
import { celString } from './cel-literal';
import { DeployImageTask } from './deploy-image-task';
import { celTrigger } from './cel-trigger';
import { CelOverlay, TriggerBinding, TriggerTemplate } from './triggers-types';
import { WebhookListener } from './webhook-listener';
import { guardEmittedText } from '../../util/emitted-text';
import { tektonTaskRun } from './tekton-imports';
import { REGISTRY_PUSH_TRIGGER_PROPS } from '../prop-names';

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
   * Host (and port) written into the Deployment's image reference instead
   * of the one the image was pushed to. Nodes usually cannot pull from
   * `registry.<ns>.svc.cluster.local:5000` (their DNS does not resolve
   * cluster names); give the address the nodes' container runtime pulls
   * from, e.g. `localhost:30500` for a NodePort with a containerd mirror.
   * @default the host the pusher used (the event's `request.host`)
   */
  readonly imageHost?: string;

  /**
   * DNS domain of the cluster, used in the listener's address.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * Receives the image registry's notifications with a Tekton Triggers
 * EventListener and rolls a Deployment out to each newly pushed image.
 *
 * The `cel` interceptor's filter accepts an envelope only when one of its
 * events is a manifest push by tag to {@link RegistryPushTriggerProps.repository}
 * (`action == 'push'` and a `target.tag`; blob uploads have no tag, pulls
 * have another action) and the token header matches the Secret
 * (`compareSecret`). An overlay computes `extensions.image` =
 * `<host>/<repository>@<digest>` from the first such event, and the
 * TriggerTemplate creates a TaskRun of {@link DeployImageTask} with it, run
 * as the Task's own ServiceAccount (allowed only get/patch on the Deployment).
 */
export class RegistryPushTrigger extends Construct {
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

  constructor(scope: Construct, id: string, props: RegistryPushTriggerProps) {
    super(scope, id);
    guardEmittedText(this);
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
    if (props.imageHost !== undefined) checkRegistryHost(this, 'imageHost', props.imageHost);
    const clusterDomain = checkDnsSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');

    const accepted = `e.action == 'push' && 'tag' in e.target && e.target.repository == ${celString(this.repository)}`;
    const host = props.imageHost === undefined ? 'e.request.host' : celString(props.imageHost);
    this.filter = [
      `body.events.exists(e, ${accepted})`,
      `header.canonical(${celString(this.tokenHeader)}).compareSecret(${celString(this.tokenSecret.key)}, ${celString(this.tokenSecret.name)})`,
    ].join(' && ');
    this.overlays = [
      {
        key: 'image',
        expression: `body.events.filter(e, ${accepted}).map(e, ${host} + '/' + e.target.repository + '@' + e.target.digest)[0]`,
      },
    ];

    this.listener = new WebhookListener(this, 'Listener', {
      name,
      clusterDomain,
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
