/** Fixtures more than one test folder reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What kubectl 1.28 printed, one file per command (see the README there). */
export const KUBECTL_FIXTURES = join(__dirname, '..', 'fixtures', 'kubectl-1.28');

/** Webhook deliveries as Gogs and the registry send them, with their headers (see the README there). */
export const WEBHOOK_FIXTURES = join(__dirname, '..', 'fixtures', 'webhooks');

/** One webhook delivery: the body text exactly as sent (Gogs signs these bytes) and its headers. */
export interface WebhookDelivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

function delivery(name: string): WebhookDelivery {
  const read = (file: string) => readFileSync(join(WEBHOOK_FIXTURES, file), 'utf8');
  return { body: read(`${name}.json`), headers: JSON.parse(read(`${name}.headers.json`)) as Record<string, string> };
}

/** The Gogs push fixture (signed with the secret `gogs-webhook-secret`). */
export const GOGS_PUSH = delivery('gogs-push');
/** The registry's manifest-push notification fixture. */
export const REGISTRY_PUSH = delivery('registry-push');
