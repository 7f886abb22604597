import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NODE_IMAGE, NODE_UID } from '../images';
import { containerResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../restricted-defaults';
import { configHash, CONFIG_HASH_ANNOTATION } from '../../util/config-hash';
import { declareExternalRefs } from '../../util/external-refs';
import { checkDnsLabel, checkKnownProps, PropNames } from '../../util/props-check';
import { SecretKeyReference, checkSecretKeyReference } from '../../util/secret-key-reference';
import { GOGS_SIGNATURE_SCRIPT } from '../../util/gogs-signature-script';
import { WebhookListener } from './webhook-listener';
import { LibraryConstruct } from '../library-construct';

/** Port the interceptor serves on. */
export const SIGNATURE_INTERCEPTOR_PORT = 8080;

/** Props of {@link GogsSignatureInterceptor}. */
export interface GogsSignatureInterceptorProps {
  /** The listener whose pods call the interceptor (only they may reach it). */
  readonly listener: WebhookListener;
  /**
   * Name of the Interceptor object, its Deployment, Service and ConfigMap.
   * @default `<listener name>-signature`
   */
  readonly name?: string;
  /**
   * The Secret key holding the webhook secret, the same text as the Gogs webhook's "Secret"
   * field. Created out of band in the listener's namespace:
   * `openssl rand -hex 32 | tr -d '\n' | kubectl -n NS create secret generic gogs-webhook-secret --from-file=secret=/dev/stdin`.
   * @default { name: 'gogs-webhook-secret', key: 'secret' }
   */
  readonly secret?: SecretKeyReference;
}

/** The prop names of {@link GogsSignatureInterceptorProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const GOGS_SIGNATURE_INTERCEPTOR_PROPS: PropNames<GogsSignatureInterceptorProps> = { listener: true, name: true, secret: true };

/**
 * Verifies Gogs webhook signatures for a Tekton Triggers EventListener: a namespaced
 * `Interceptor` served by a small Deployment (stock Node.js image, program from a ConfigMap,
 * restricted Pod Security), a Service, and a NetworkPolicy that lets only the listener's pods in.
 *
 * No built-in Triggers interceptor can do this: Gogs signs the body with HMAC-SHA256 in
 * `X-Gogs-Signature` (lower-case hex, no `sha256=` prefix), which the `github` interceptor does
 * not accept and CEL cannot compute. The interceptor lets a delivery through only when that
 * header matches the body under the secret (constant-time comparison); unsigned, wrongly signed
 * and altered deliveries stop there. It is plain HTTP inside the namespace: Triggers v0.37 still
 * calls http interceptors (https needs a certificate and caBundle this library cannot mint
 * without a certificate manager).
 */
export class GogsSignatureInterceptor extends LibraryConstruct {
  public readonly name: string;
  /** The Secret key holding the webhook secret (not emitted). */
  public readonly secret: SecretKeyReference;
  /** The Triggers `Interceptor` object (`kind: NamespacedInterceptor` in an EventListener ref). */
  public readonly interceptor: ApiObject;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Labels of the interceptor's pods. */
  public readonly podLabels: { readonly [key: string]: string };

  constructor(scope: Construct, id: string, props: GogsSignatureInterceptorProps) {
    super(scope, id);
    checkKnownProps(this, 'GogsSignatureInterceptor', props, GOGS_SIGNATURE_INTERCEPTOR_PROPS);
    const listener = props.listener;
    this.name = checkDnsLabel(this, 'name', props.name ?? `${listener.name}-signature`);
    this.secret = checkSecretKeyReference(this, 'secret', props.secret ?? { name: 'gogs-webhook-secret', key: 'secret' });
    this.podLabels = { app: this.name };

    const config = new k8s.KubeConfigMap(this, 'Program', {
      metadata: { name: this.name, labels: this.podLabels },
      data: { 'server.js': GOGS_SIGNATURE_SCRIPT },
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels: this.podLabels },
      spec: {
        replicas: 1,
        selector: { matchLabels: this.podLabels },
        template: {
          metadata: { labels: this.podLabels, annotations: { [CONFIG_HASH_ANNOTATION]: configHash(GOGS_SIGNATURE_SCRIPT) } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'interceptor',
                image: NODE_IMAGE,
                command: ['node', '/opt/interceptor/server.js'],
                env: [
                  { name: 'PORT', value: String(SIGNATURE_INTERCEPTOR_PORT) },
                  { name: 'SECRET_FILE', value: '/etc/webhook-secret/secret' },
                ],
                ports: [{ name: 'http', containerPort: SIGNATURE_INTERCEPTOR_PORT }],
                readinessProbe: { httpGet: { path: '/ready', port: k8s.IntOrString.fromString('http') }, periodSeconds: 10 },
                resources: containerResources(),
                securityContext: restrictedContainerSecurityContext(NODE_UID),
                volumeMounts: [
                  { name: 'program', mountPath: '/opt/interceptor', readOnly: true },
                  { name: 'secret', mountPath: '/etc/webhook-secret', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'program', configMap: { name: config.name } },
              { name: 'secret', secret: { secretName: this.secret.name, items: [{ key: this.secret.key, path: 'secret' }] } },
            ],
          },
        },
      },
    });
    declareExternalRefs(this.deployment, [{ kind: 'Secret', name: this.secret.name }]);

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: this.podLabels },
      spec: {
        selector: this.podLabels,
        ports: [{ name: 'http', port: SIGNATURE_INTERCEPTOR_PORT, targetPort: k8s.IntOrString.fromString('http') }],
      },
    });

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: `${this.name}-ingress` },
      spec: {
        podSelector: { matchLabels: this.podLabels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { ...listener.podLabels } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(SIGNATURE_INTERCEPTOR_PORT) }],
          },
        ],
      },
    });

    this.interceptor = new ApiObject(this, 'Interceptor', {
      apiVersion: 'triggers.tekton.dev/v1alpha1',
      kind: 'Interceptor',
      metadata: { name: this.name },
      spec: {
        clientConfig: { service: { name: this.name, namespace: listener.namespace, port: SIGNATURE_INTERCEPTOR_PORT, path: '/' } },
      },
    });
  }
}
