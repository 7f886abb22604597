import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceEndpoints } from '../service/service-endpoints';

/**
 * Exercise: "SEP" (Service End Point), a Service named `external-db` whose
 * endpoints are written by hand: a PostgreSQL server outside the cluster.
 * The addresses are from the documentation ranges (RFC 5737 / RFC 3849):
 * replace them with a real server to connect.
 */
export class ServiceEndpointsExercise extends Chart {
  public readonly database: ServiceEndpoints;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.database = new ServiceEndpoints(this, 'external-db', {
      name: 'external-db',
      addresses: ['192.0.2.10', '192.0.2.11'],
      ports: [{ name: 'postgres', port: 5432 }],
    });
  }
}
