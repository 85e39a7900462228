import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { selectPendingMediaIds } from "./queries";

/**
 * Media rows still pending after `olderThanMs`: their job was never enqueued (CLI ingest, crash) or was lost.
 * The caller re-enqueues them; downloading is idempotent.
 */
export async function findPendingMedia({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { olderThanMs: number; limit: number };
}) {
  assertCan(ctx.actor, "ingest:apply");
  return selectPendingMediaIds(dbOf(ctx), input);
}
