import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { endpointAddressProblem, ipFamily, ipKey } from '../../util/k8s-syntax';
import { checkDns1035Label, checkDnsLabel, checkOneOf, checkPort, invalidProp, checkKnownProps, PropNames } from '../../util/props-check';
import { LibraryConstruct } from '../library-construct';

/** One port of a {@link ServiceEndpoints}. */
export interface EndpointPortProps {
  /**
   * Port name, shared by the Service port, the Endpoints port and the
   * EndpointSlice port (kube-proxy pairs them by this name).
   * Required when there is more than one port.
   * @default unnamed (only allowed for a single port)
   */
  readonly name?: string;
  /** Port clients connect to on the Service. */
  readonly port: number;
  /**
   * Port on the endpoint addresses.
   * @default the same as `port`
   */
  readonly endpointPort?: number;
  /**
   * Transport protocol of the port.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** Props of {@link ServiceEndpoints}. */
export interface ServiceEndpointsProps {
  /** Name of the Service, the Endpoints and (with a family suffix) the EndpointSlices. */
  readonly name: string;
  /**
   * IP addresses traffic is sent to, e.g. an external database. IPv4 and
   * IPv6 may be mixed: each family gets its own EndpointSlice.
   * Loopback, link-local and unspecified addresses are refused, as the API server refuses them.
   */
  readonly addresses: string[];
  /** The ports, at least one. */
  readonly ports: EndpointPortProps[];
}

/** The prop names of {@link ServiceEndpointsProps}, for checkKnownProps and pickProps (the compiler checks the list against the type). */
const SERVICE_ENDPOINTS_PROPS: PropNames<ServiceEndpointsProps> = { name: true, addresses: true, ports: true };

/** Marks our hand-made EndpointSlices so the EndpointSlice controller leaves them alone. */
export const ENDPOINT_SLICE_MANAGER = 'k8s-practice-constructs';

/**
 * "SEP" (Service End Point) from the notes: a Service without a selector plus
 * hand-made endpoints, so the Service name resolves to addresses outside the
 * cluster's pods (an external database, a VM).
 *
 * Emits the Service, a `v1` Endpoints object of the same name (what
 * `kubectl get endpoints` shows) and one `discovery.k8s.io/v1` EndpointSlice
 * per IP family labelled `kubernetes.io/service-name` (what kube-proxy reads).
 * The Endpoints carries `endpointslice.kubernetes.io/skip-mirror: "true"` so
 * the control plane does not mirror it into a second, duplicate slice.
 */
export class ServiceEndpoints extends LibraryConstruct {
  public readonly service: k8s.KubeService;
  public readonly endpoints: k8s.KubeEndpoints;
  public readonly endpointSlices: k8s.KubeEndpointSlice[];
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceEndpointsProps) {
    super(scope, id);
    checkKnownProps(this, 'ServiceEndpoints', props, SERVICE_ENDPOINTS_PROPS);
    this.name = checkDns1035Label(this, 'name', props?.name);
    const ports = this.checkPorts(props.ports);
    const addresses = this.checkAddresses(props.addresses);

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name },
      spec: {
        type: 'ClusterIP',
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol,
          targetPort: k8s.IntOrString.fromNumber(p.endpointPort),
        })),
      },
    });

    this.endpoints = new k8s.KubeEndpoints(this, 'Endpoints', {
      metadata: { name: this.name, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets: [
        {
          addresses: addresses.map((ip) => ({ ip })),
          ports: ports.map((p) => ({ name: p.name, port: p.endpointPort, protocol: p.protocol })),
        },
      ],
    });

    const families = (['IPv4', 'IPv6'] as const).filter((f) => addresses.some((ip) => ipFamily(ip) === f));
    this.endpointSlices = families.map(
      (family) =>
        new k8s.KubeEndpointSlice(this, `Slice${family}`, {
          metadata: {
            name: `${this.name}-${family.toLowerCase()}`,
            labels: {
              'kubernetes.io/service-name': this.name,
              'endpointslice.kubernetes.io/managed-by': ENDPOINT_SLICE_MANAGER,
            },
          },
          addressType: family,
          endpoints: addresses.filter((ip) => ipFamily(ip) === family).map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
          ports: ports.map((p) => ({ name: p.name, port: p.endpointPort, protocol: p.protocol })),
        }),
    );
  }

  private checkPorts(ports: EndpointPortProps[] | undefined) {
    if (!Array.isArray(ports) || ports.length === 0) invalidProp(this, 'ports', ports, 'a list of at least one port');
    const seen = new Set<string>();
    const servicePorts = new Map<string, number>();
    return ports.map((p, i) => {
      const field = `ports[${i}]`;
      if (typeof p !== 'object' || p === null || Array.isArray(p)) invalidProp(this, field, p, 'a port object such as { port: 5432 }');
      if (ports.length > 1 && p.name === undefined) {
        invalidProp(this, `${field}.name`, p.name, 'a name on every port, because there is more than one port');
      }
      if (p.name !== undefined) {
        checkDnsLabel(this, `${field}.name`, p.name);
        if (seen.has(p.name)) invalidProp(this, `${field}.name`, p.name, 'a name no other port uses');
        seen.add(p.name);
      }
      const port = checkPort(this, `${field}.port`, p.port);
      const protocol = checkOneOf(this, `${field}.protocol`, p.protocol ?? 'TCP', ['TCP', 'UDP', 'SCTP'] as const);
      // The API server refuses a Service that lists one port and protocol twice.
      const first = servicePorts.get(`${port}/${protocol}`);
      if (first !== undefined)
        invalidProp(this, `${field}.port`, port, `a port and protocol no other port uses (ports[${first}] is ${port}/${protocol})`);
      servicePorts.set(`${port}/${protocol}`, i);
      return {
        name: p.name,
        port,
        endpointPort: checkPort(this, `${field}.endpointPort`, p.endpointPort ?? p.port),
        protocol,
      };
    });
  }

  private checkAddresses(addresses: string[] | undefined): string[] {
    if (!Array.isArray(addresses) || addresses.length === 0) {
      invalidProp(this, 'addresses', addresses, 'a list of at least one IP address');
    }
    addresses.forEach((ip, i) => {
      const problem = endpointAddressProblem(ip);
      if (problem)
        invalidProp(this, `addresses[${i}]`, ip, `an IPv4 or IPv6 address the API server accepts for an endpoint (this one ${problem})`);
    });
    // Compared as Go reads them: `::1` and `0:0:0:0:0:0:0:1` are the same address.
    const keys = addresses.map(ipKey);
    const duplicate = addresses.find((_ip, i) => keys.indexOf(keys[i]) !== i);
    if (duplicate !== undefined) invalidProp(this, 'addresses', duplicate, 'each address once (compared as IP addresses, not as text)');
    return [...addresses];
  }
}
