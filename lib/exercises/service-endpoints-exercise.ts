import { Construct } from 'constructs';
import { Project } from '../constructs/project/project';
import { ServiceEndpoints } from '../constructs/service/service-endpoints';
import { ExerciseProps } from './exercise-options';

/**
 * Exercise: "SEP" (Service End Point), a Service named `external-db` whose
 * endpoints are written by hand: a PostgreSQL server outside the cluster, in
 * namespace `service-endpoints`. The addresses are from the documentation
 * range 192.0.2.0/24 (RFC 5737): replace them with a real server to connect.
 */
export class ServiceEndpointsExercise extends Project {
  public readonly database: ServiceEndpoints;

  constructor(scope: Construct, id: string, props: ExerciseProps = {}) {
    super(scope, id, { namespace: props.namespace ?? 'service-endpoints' });
    this.database = new ServiceEndpoints(this, 'external-db', {
      name: 'external-db',
      addresses: ['192.0.2.10', '192.0.2.11'],
      ports: [{ name: 'postgres', port: 5432 }],
    });
  }
}
