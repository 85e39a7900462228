import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, dbOf, type Ctx } from "@/lib/db/context";
import { getMediaStorage } from "@/lib/media/storage";

// Rows per transaction: short transactions keep ingest and agents unblocked while a big purge runs.
const BATCH = 1_000;

export type PurgeResult = {
  number_id: string;
  cutoff: string;
  messages: number;
  files: number;
  notes: number;
};

/**
 * Retention (issue "admin": data): for each number with a retention period, deletes messages older than it
 * (with their receipts, edits, reactions and media files) and private notes of the same age, except in
 * conversations or for contacts under legal hold. Batched; the stored files go after each commit; one audit
 * row per number and run.
 */
export async function purgeExpired({ ctx }: { ctx: Ctx }): Promise<PurgeResult[]> {
  assertCan(ctx.actor, "ingest:apply");
  const numbers = await dbOf(ctx).execute<{ id: string; cutoff: string }>(sql`
    select id, now() - make_interval(days => retention_days) as cutoff from phone_numbers where retention_days is not null`);
  const results: PurgeResult[] = [];
  const storage = getMediaStorage();
  for (const number of numbers) {
    const cutoff = new Date(number.cutoff).toISOString();
    const result: PurgeResult = { number_id: number.id, cutoff, messages: 0, files: 0, notes: 0 };
    for (;;) {
      const batch = await withTransaction(ctx, async (tx) => {
        const [row] = await tx.execute<{ deleted: number; keys: string[] }>(sql`
          with doomed as (
            select m.id, m.wamid from messages m
            join conversations c on c.id = m.conversation_id
            join contacts ct on ct.id = c.contact_id
            where c.phone_number_id = ${number.id} and m.timestamp < ${cutoff}::timestamptz
              and c.legal_hold_at is null and ct.legal_hold_at is null
            limit ${BATCH}
            for update of m skip locked
          ), files as (
            select storage_key from media where message_id in (select id from doomed) and storage_key is not null
          ), receipts as (
            delete from message_statuses where wamid in (select wamid from doomed where wamid is not null)
          ), edits as (
            delete from message_revisions where target_wamid in (select wamid from doomed where wamid is not null)
          ), reactions as (
            delete from message_reactions where target_wamid in (select wamid from doomed where wamid is not null)
          ), gone as (
            delete from messages where id in (select id from doomed) returning id
          )
          select (select count(*) from gone)::int as deleted,
            coalesce((select array_agg(storage_key) from files), '{}') as keys`);
        return { deleted: row?.deleted ?? 0, keys: row?.keys ?? [] };
      });
      for (const key of batch.keys) await storage.delete(key).catch(() => {});
      result.messages += batch.deleted;
      result.files += batch.keys.length;
      if (batch.deleted < BATCH) break;
    }
    await withTransaction(ctx, async (tx) => {
      const notes = await tx.execute(sql`
        delete from conversation_events e using conversations c, contacts ct
        where e.conversation_id = c.id and ct.id = c.contact_id and c.phone_number_id = ${number.id}
          and e.type = 'note' and e.at < ${cutoff}::timestamptz
          and c.legal_hold_at is null and ct.legal_hold_at is null
        returning e.id`);
      result.notes = notes.length;
      // The list preview must not keep text the purge removed.
      await tx.execute(sql`
        update conversations c set last_message_preview = null
        from contacts ct
        where ct.id = c.contact_id and c.phone_number_id = ${number.id} and c.last_message_at < ${cutoff}::timestamptz
          and c.legal_hold_at is null and ct.legal_hold_at is null and c.last_message_preview is not null`);
      if (result.messages > 0 || result.notes > 0)
        await emitAudit(tx, ctx.actor, {
          action: "retention.purged",
          entityType: "phone_number",
          entityId: number.id,
          data: { cutoff, messages: result.messages, files: result.files, notes: result.notes },
        });
    });
    results.push(result);
  }
  return results;
}
