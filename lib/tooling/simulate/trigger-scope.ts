/**
 * What `simulate` works on: one delivery as it reaches the EventListener, the scope each trigger
 * is simulated in, and the lookup of an object in the manifests.
 */
import { SecretStore, WebhookRequest } from './triggers-cel';
import { field, JsonObject } from '../foundation/json-value';
import { effectiveNamespace } from '../foundation/namespaces';

/** One delivery, as it reaches the listener. */
export interface Delivery {
  /** The request body exactly as sent (the signature covers these bytes). */
  readonly body: string;
  /** Header name to values (any case; canonicalised like Go's http.Header). */
  readonly headers: { readonly [name: string]: string | readonly string[] };
  /** The request URI, e.g. `/?token=abc`. @default '/' */
  readonly url?: string;
}

/** The value the simulation puts in the `triggers.tekton.dev/triggers-eventid` label (the sink puts a fresh UUID there). */
export const SIMULATED_EVENT_ID = 'simulated';

/** What one trigger is simulated in: the manifests, the listener's namespace, the request and the Secrets. */
export interface TriggerScope {
  readonly objects: readonly unknown[];
  readonly namespace: string;
  readonly request: WebhookRequest;
  readonly delivery: Delivery;
  readonly secrets: SecretStore;
}

/** The object of `kind` named `name` in the manifests (in `namespace`, unless undefined). */
export function findObject(objects: readonly unknown[], kind: string, namespace: string | undefined, name: string): JsonObject | undefined {
  const found = objects.find(
    (o) =>
      field(o, 'kind') === kind &&
      field(o, 'metadata', 'name') === name &&
      (namespace === undefined || effectiveNamespace(field(o, 'metadata', 'namespace')) === namespace),
  );
  return found as JsonObject | undefined; // it has a kind, so it is a mapping
}
