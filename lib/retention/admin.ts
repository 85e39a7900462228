import { sql } from "drizzle-orm";
import type { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { containsPattern } from "@/lib/utils/ids";
import { legalHoldSearchInput, type LegalHoldEntryDto, type RetentionNumberDto } from "./schemas";

const SEARCH_LIMIT = 20;
const HELD_LIMIT = 200;

/** Every number with its retention period and the last purge that removed anything (admin data page). */
export async function listRetention({ ctx }: { ctx: Ctx }): Promise<{ data: RetentionNumberDto[] }> {
  assertCan(ctx.actor, "numbers:manage");
  const rows = await dbOf(ctx).execute<{
    id: string;
    display_number: string;
    retention_days: number | null;
    purged_at: string | null;
    purged: { messages?: number; notes?: number } | null;
  }>(sql`
    select n.id, n.display_number, n.retention_days, p.at as purged_at, p.data as purged
    from phone_numbers n
    left join lateral (
      select a.at, a.data from audit_log a
      where a.action = 'retention.purged' and a.entity_type = 'phone_number' and a.entity_id = n.id::text
      order by a.id desc limit 1
    ) p on true
    order by n.display_number`);
  return {
    data: rows.map((r) => ({
      id: r.id,
      display_number: r.display_number,
      retention_days: r.retention_days,
      last_purge: r.purged_at
        ? {
            at: new Date(r.purged_at).toISOString(),
            messages: r.purged?.messages ?? 0,
            notes: r.purged?.notes ?? 0,
          }
        : null,
    })),
  };
}

/**
 * Without `q`: every contact under legal hold or with a held conversation. With `q`: contacts whose name
 * or phone contains it, to put on hold. Each with their conversations and hold flags.
 */
export async function listLegalHolds({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof legalHoldSearchInput>;
}): Promise<{ data: LegalHoldEntryDto[] }> {
  assertCan(ctx.actor, "settings:manage");
  const { q } = legalHoldSearchInput.parse(input);
  const like = q ? containsPattern(q.toLowerCase()) : null;
  const db = dbOf(ctx);
  const contacts = await db.execute<{
    id: string;
    name: string;
    phone: string | null;
    legal_hold_at: string | null;
  }>(sql`
    select ct.id, coalesce(ct.address_book_name, ct.profile_name, ct.username, ct.phone, ct.bsuid, 'Unknown') as name,
      ct.phone, ct.legal_hold_at
    from contacts ct
    where ${
      like
        ? sql`(lower(coalesce(ct.address_book_name, '') || ' ' || coalesce(ct.profile_name, '') || ' ' ||
                coalesce(ct.username, '') || ' ' || coalesce(ct.phone, '')) like ${like})`
        : sql`(ct.legal_hold_at is not null or exists (
                select 1 from conversations c where c.contact_id = ct.id and c.legal_hold_at is not null))`
    }
    order by ct.created_at desc, ct.id
    limit ${like ? SEARCH_LIMIT : HELD_LIMIT}`);
  const ids = contacts.map((c) => c.id);
  const threads =
    ids.length === 0
      ? []
      : await db.execute<{
          id: string;
          contact_id: string;
          number: string;
          status: string;
          legal_hold_at: string | null;
        }>(sql`
          select c.id, c.contact_id, n.display_number as number, c.status::text as status, c.legal_hold_at
          from conversations c join phone_numbers n on n.id = c.phone_number_id
          where c.contact_id = any(${`{${ids.join(",")}}`}::uuid[])
          order by c.last_message_at desc nulls last`);
  return {
    data: contacts.map((c) => ({
      contact: { id: c.id, name: c.name, phone: c.phone, legal_hold: c.legal_hold_at !== null },
      conversations: threads
        .filter((t) => t.contact_id === c.id)
        .map((t) => ({ id: t.id, number: t.number, status: t.status, legal_hold: t.legal_hold_at !== null })),
    })),
  };
}

/**
 * "Run purge now": queues the same job the hourly schedule runs (one at a time), so an admin need not wait
 * for the next hour after shortening a retention period. Audited.
 */
export async function requestRetentionPurge({ ctx }: { ctx: Ctx }): Promise<{ queued: boolean }> {
  assertCan(ctx.actor, "numbers:manage");
  await withTransaction(ctx, (tx) =>
    emitAudit(tx, ctx.actor, {
      action: "retention.purge_requested",
      entityType: "retention",
      entityId: "all",
    }),
  );
  try {
    const id = await enqueue(queues.retentionPurge, {}, { singletonKey: "retention.purge" });
    // null: a run is already waiting, which does the same.
    return { queued: id !== null };
  } catch (error) {
    console.error(
      `[retention] could not queue a purge; the hourly run will do it: ${(error as Error).message}`,
    );
    return { queued: false };
  }
}
