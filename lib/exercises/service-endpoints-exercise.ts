import { Construct } from 'constructs';
import { Project } from '../constructs/project/project';
import { ServiceEndpoints } from '../constructs/service/service-endpoints';
import { ExerciseProps } from './exercise-options';

/** Props of {@link ServiceEndpointsExercise}. */
export interface ServiceEndpointsExerciseProps extends ExerciseProps {
  /**
   * The IPv4 addresses of the database the Service forwards to, on port 5432.
   * @default ServiceEndpointsExercise.DOCUMENTATION_ADDRESSES (192.0.2.10, 192.0.2.11)
   */
  readonly addresses?: readonly string[];
}

/**
 * Exercise: "SEP" (Service End Point), a Service named `external-db` whose
 * endpoints are written by hand: a PostgreSQL server outside the cluster, in
 * namespace `service-endpoints`. The addresses are from the documentation
 * range 192.0.2.0/24 (RFC 5737): pass `addresses` with a real server's to connect.
 */
export class ServiceEndpointsExercise extends Project {
  /** The addresses the exercise ships: documentation addresses that no server answers. */
  public static readonly DOCUMENTATION_ADDRESSES: readonly string[] = ['192.0.2.10', '192.0.2.11'];

  public readonly database: ServiceEndpoints;

  constructor(scope: Construct, id: string, props: ServiceEndpointsExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'service-endpoints' });
    this.database = new ServiceEndpoints(this, 'external-db', {
      name: 'external-db',
      addresses: [...(props.addresses ?? ServiceEndpointsExercise.DOCUMENTATION_ADDRESSES)],
      ports: [{ name: 'postgres', port: 5432 }],
    });
  }
}
