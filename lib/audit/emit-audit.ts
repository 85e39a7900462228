import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { auditHash, GENESIS_HASH, isoMicros } from "./hash";

export type AuditEntry = { action: string; entityType: string; entityId?: string | null; data?: unknown };

// Serialises appends across every process on the database; held until the caller's transaction ends.
export const AUDIT_APPEND_LOCK = 7231002;

/**
 * Appends to the hash-chained audit log inside the caller's transaction, so the entry commits or rolls
 * back with the change it describes. The advisory lock serialises appends to keep the chain linear.
 *
 * The new row links to the anchor's head, not to the highest row present: after a tail truncation the
 * next append still points at the missing row, so the gap stays detectable instead of being papered over.
 * The id is drawn under the lock and hashed with the row, so ids rise in chain order and a row moved to
 * another id fails its own hash. Postgres normalises jsonb, so the hash covers `data` in the text form
 * Postgres gives back (fetched in the same round trip as the id), and `at` to the microsecond.
 */
export async function emitAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`);
  const json = entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data);
  const [head] = await tx.execute<{
    id: string;
    data: string | null;
    prev_hash: string | null;
    isolation: string;
  }>(sql`
    select nextval(pg_get_serial_sequence('audit_log', 'id')) as id,
           current_setting('transaction_isolation') as isolation,
           ${json}::jsonb::text as data,
           coalesce((select last_hash from audit_anchor where id = 1),
                    (select hash from audit_log order by id desc limit 1)) as prev_hash`);
  // A snapshot older than the lock would read a stale head and fork the chain.
  if (head!.isolation !== "read committed")
    throw new Error(`emitAudit needs a read committed transaction, not ${head!.isolation}`);
  const at = new Date();
  const row = {
    id: Number(head!.id),
    at: isoMicros(at),
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.id : actor.name,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    data: head!.data,
  };
  const prevHash = head!.prev_hash ?? GENESIS_HASH;
  const hash = auditHash(prevHash, row);
  await tx.execute(sql`
    with appended as (
      insert into audit_log (id, at, actor_type, actor_id, action, entity_type, entity_id, data, prev_hash, hash)
      overriding system value
      values (${row.id}, ${at.toISOString()}::timestamptz, ${row.actorType}, ${row.actorId}, ${row.action},
              ${row.entityType}, ${row.entityId}, ${row.data}::jsonb, ${prevHash}, ${hash})
      returning id, hash)
    insert into audit_anchor (id, last_id, last_hash, updated_at)
    select 1, id, hash, now() from appended
    on conflict (id) do update set last_id = excluded.last_id, last_hash = excluded.last_hash,
                                   updated_at = excluded.updated_at`);
}
