import { sql } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";

/**
 * Ids of stored webhooks still pending after `olderThanMs`: the process died between the INSERT and the
 * apply job (DESIGN.md "Ingestion" step 6). The caller re-enqueues them; applying is idempotent.
 */
export async function findStrandedWebhookEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { olderThanMs: number; limit: number };
}) {
  const rows = await dbOf(ctx).execute<{ id: string }>(sql`
    select id from webhook_events
    where status = 'pending' and received_at < now() - make_interval(secs => ${input.olderThanMs / 1000})
    order by id limit ${input.limit}`);
  return rows.map((r) => Number(r.id));
}
