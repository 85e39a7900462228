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

/** An event built now (its created_at is now) and queued later with the rest of its batch. */
export type PendingIntegrationEvent = { type: IntegrationEvent; payload: string };

export function integrationEvent(
  type: IntegrationEvent,
  data: Record<string, unknown>,
): PendingIntegrationEvent {
  return { type, payload: JSON.stringify({ type, created_at: new Date().toISOString(), data }) };
}

/**
 * emitIntegrationEvent for a whole ingest batch, in order, inside the caller's transaction: one statement
 * per batch instead of one per message (most workspaces have no endpoint, and paid for it per message).
 */
export async function emitIntegrationEvents(tx: Tx, events: PendingIntegrationEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = await tx.execute(sql`
    insert into webhook_deliveries (endpoint_id, event_type, payload)
    select e.id, v.item->>'type', (v.item->>'payload')::jsonb
    from jsonb_array_elements(${JSON.stringify(events)}::jsonb) with ordinality as v(item, n)
    join webhook_endpoints e on e.active and v.item->>'type' = any(e.events)
    order by v.n, e.id
    returning id`);
  if (rows.length > 0) await tx.execute(sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`);
}

export function isIntegrationEvent(value: string): value is IntegrationEvent {
  return (INTEGRATION_EVENTS as readonly string[]).includes(value);
}
