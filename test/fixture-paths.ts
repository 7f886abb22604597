/** Fixture folders more than one test folder reads. */
import { join } from 'node:path';

/** What kubectl 1.28 printed, one file per command (see the README there). */
export const KUBECTL_FIXTURES = join(__dirname, 'fixtures', 'kubectl-1.28');

/** Webhook deliveries as Gogs and the registry send them, with their headers (see the README there). */
export const WEBHOOK_FIXTURES = join(__dirname, 'fixtures', 'webhooks');
