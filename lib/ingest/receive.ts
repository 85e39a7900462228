import { getSql } from "@/lib/db/client";

// How Meta (and the simulator) serialize a history change: compact JSON, so a byte search finds it. A body
// it misses is only claimed with live webhooks, as before: applying it is the same either way.
const HISTORY_FIELD = Buffer.from('"field":"history"');

/** Whether a raw webhook body carries a history sync change (§5.4): ingest lanes batch those apart. */
export function isHistoryBody(rawBody: Uint8Array): boolean {
  return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).includes(HISTORY_FIELD);
}

/**
 * The durability point of ingestion: one INSERT of the raw, already-verified body. Once this returns,
 * the webhook may be acknowledged; everything after it is recoverable from this row.
 */
export async function storeWebhookEvent(rawBody: Uint8Array): Promise<number> {
  const sql = getSql("receive");
  const [row] = await sql<{ id: string }[]>`
    insert into webhook_events (body, history) values (${Buffer.from(rawBody)}, ${isHistoryBody(rawBody)})
    returning id`;
  if (!row) throw new Error("webhook_events insert returned no id");
  return Number(row.id);
}
