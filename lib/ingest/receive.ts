import { getSql } from "@/lib/db/client";

/**
 * The durability point of ingestion: one INSERT of the raw, already-verified body. Once this returns,
 * the webhook may be acknowledged; everything after it is recoverable from this row.
 */
export async function storeWebhookEvent(rawBody: Uint8Array): Promise<number> {
  const sql = getSql("receive");
  const [row] = await sql<
    { id: string }[]
  >`insert into webhook_events (body) values (${Buffer.from(rawBody)}) returning id`;
  if (!row) throw new Error("webhook_events insert returned no id");
  return Number(row.id);
}
