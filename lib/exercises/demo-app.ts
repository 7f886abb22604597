import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Images, WEB_PORT } from '../constructs/images';
import { IPodTarget, PodPort } from '../constructs/pod/pod-target';
import {
  containerResources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  writableScratch,
} from '../constructs/restricted-defaults';
import { checkDns1035Label, checkImage, checkKnownProps, PropNames } from '../util/props-check';
import { LibraryConstruct } from '../constructs/library-construct';

/** Props of {@link DemoApp}. */
export interface DemoAppProps {
  /**
   * Name of the Deployment, its container and its Service.
   * @default 'demo-app'
   */
  readonly name?: string;
  /**
   * The image it starts with, before the pipeline has built one. The built
   * image must, like this one, serve HTTP on 8080 as a non-root user.
   * @default Images.web
   */
  readonly initialImage?: string;
}

/** Every prop of {@link DemoAppProps}, for the unknown-prop check. */
const DEMO_APP_PROPS: PropNames<DemoAppProps> = { name: true, initialImage: true };

/**
 * The application the CI/CD exercise delivers: a Deployment (container named
 * like the Deployment, so `kubectl set image deployment/NAME NAME=...` reads
 * naturally) and a ClusterIP Service on port 80. The registry trigger
 * rolls it out to every image the pipeline pushes.
 */
export class DemoApp extends LibraryConstruct implements IPodTarget {
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly name: string;
  /** The container `kubectl set image` changes. */
  public readonly containerName: string;
  public readonly labels: { readonly [key: string]: string };
  public readonly ports: readonly PodPort[] = [{ containerPort: WEB_PORT, name: 'http', protocol: 'TCP' }];

  constructor(scope: Construct, id: string, props: DemoAppProps = {}) {
    super(scope, id);
    checkKnownProps(this, 'DemoApp', props, DEMO_APP_PROPS);
    this.name = checkDns1035Label(this, 'name', props.name ?? 'demo-app');
    this.containerName = this.name;
    const image = checkImage(this, 'initialImage', props.initialImage ?? Images.web);
    this.labels = { app: this.name };
    const scratch = writableScratch(['/tmp']);

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...this.labels } },
        template: {
          metadata: { labels: { ...this.labels } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: this.containerName,
                image,
                ports: this.ports.map((p) => ({ name: p.name, containerPort: p.containerPort })),
                readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('http') } },
                resources: containerResources(),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: scratch.mounts,
              },
            ],
            volumes: scratch.volumes,
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.labels },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromString('http') }],
      },
    });
  }
}
