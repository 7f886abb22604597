import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/**
 * cdk8s stamps the chart's namespace on every object in a namespaced chart.
 * Cluster-scoped objects (Namespace, ClusterRoleBinding, ...) must not carry
 * one, so this removes it again.
 */
export function markClusterScoped(apiObject: ApiObject): ApiObject {
  if (Chart.of(apiObject).namespace !== undefined || apiObject.metadata.namespace !== undefined) {
    apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return apiObject;
}
