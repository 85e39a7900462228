import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { INTEGRATION_EVENTS, type IntegrationEvent } from "./schemas";

export { INTEGRATION_EVENTS, type IntegrationEvent };

export const WEBHOOK_CHANNEL = "tandem_webhooks";

/**
 * Queues an event for every active endpoint subscribed to it, inside the caller's transaction (an outbox):
 * it goes out only if the change commits, and is never lost once it has. Cheap when nobody subscribes.
 */
export async function emitIntegrationEvent(
  tx: Tx,
  type: IntegrationEvent,
  data: Record<string, unknown>,
): Promise<void> {
  const payload = { type, created_at: new Date().toISOString(), data };
  const rows = await tx.execute(sql`
    insert into webhook_deliveries (endpoint_id, event_type, payload)
    select id, ${type}, ${JSON.stringify(payload)}::jsonb from webhook_endpoints
    where active and ${type} = any(events)
    returning id`);
  // Wakes the dispatchers at commit (NOTIFY is transactional), so delivery does not wait for a poll.
  if (rows.length > 0) await tx.execute(sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`);
}

export function isIntegrationEvent(value: string): value is IntegrationEvent {
  return (INTEGRATION_EVENTS as readonly string[]).includes(value);
}
