import { getSql } from "@/lib/db/client";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";

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

/** Hands a stored webhook to the workers. If this is lost (crash), the recovery sweep re-enqueues it. */
export async function scheduleWebhookApply(eventId: number): Promise<void> {
  try {
    await enqueue(queues.ingestApply, { eventId });
  } catch (error) {
    console.error(
      `[ingest] could not enqueue webhook event ${eventId}; recovery will pick it up: ${(error as Error).message}`,
    );
  }
}
