import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { auditHash, GENESIS_HASH, isoMicros, type HashedRow } from "./hash";

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
  await emitAuditBatch(tx, actor, [entry]);
}

/**
 * Appends several entries as consecutive rows of the chain under ONE lock acquisition and in three round
 * trips, whatever their number: bulk changes (a campaign step queuing 50 sends) would otherwise queue every
 * other writer in the workspace behind 50 lock holds. Each row is chained and hashed exactly as emitAudit's.
 */
export async function emitAuditBatch(tx: Tx, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`);
  const json = JSON.stringify(
    entries.map((e) => (e.data === undefined || e.data === null ? null : JSON.stringify(e.data))),
  );
  // One row per entry: its id drawn under the lock and its data in the text form Postgres stores.
  const drawn = await tx.execute<{
    ord: number;
    id: string;
    data: string | null;
    prev_hash: string | null;
    isolation: string;
  }>(sql`
    select d.ord::int as ord, nextval(pg_get_serial_sequence('audit_log', 'id'))::text as id,
           (d.value #>> '{}')::jsonb::text as data, h.prev_hash, h.isolation
    from jsonb_array_elements(${json}::jsonb) with ordinality as d(value, ord)
    cross join (
      select current_setting('transaction_isolation') as isolation,
             coalesce((select last_hash from audit_anchor where id = 1),
                      (select hash from audit_log order by id desc limit 1)) as prev_hash) h`);
  const head = drawn[0]!;
  // A snapshot older than the lock would read a stale head and fork the chain.
  if (head.isolation !== "read committed")
    throw new Error(`emitAudit needs a read committed transaction, not ${head.isolation}`);
  // Only lock holders draw from the sequence, so sorted ids follow the chain (as emitAudit's one id did).
  const ids = drawn.map((r) => Number(r.id)).sort((a, b) => a - b);
  const data = new Map(drawn.map((r) => [Number(r.ord), r.data]));
  const at = new Date();
  let prevHash = head.prev_hash ?? GENESIS_HASH;
  const rows = entries.map((entry, i) => {
    const row: HashedRow = {
      id: ids[i]!,
      at: isoMicros(at),
      actorType: actor.type,
      actorId: actor.type === "user" ? actor.id : actor.name,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      data: data.get(i + 1) ?? null,
    };
    const hash = auditHash(prevHash, row);
    const linked = { ...row, prevHash, hash };
    prevHash = hash;
    return linked;
  });
  const values = sql.join(
    rows.map(
      (
        row,
      ) => sql`(${row.id}, ${at.toISOString()}::timestamptz, ${row.actorType}, ${row.actorId}, ${row.action},
              ${row.entityType}, ${row.entityId}, ${row.data}::jsonb, ${row.prevHash}, ${row.hash})`,
    ),
    sql`, `,
  );
  const last = rows[rows.length - 1]!;
  await tx.execute(sql`
    with appended as (
      insert into audit_log (id, at, actor_type, actor_id, action, entity_type, entity_id, data, prev_hash, hash)
      overriding system value
      values ${values}
      returning id)
    insert into audit_anchor (id, last_id, last_hash, updated_at)
    select 1, ${last.id}, ${last.hash}, now() from (select count(*) from appended) x
    on conflict (id) do update set last_id = excluded.last_id, last_hash = excluded.last_hash,
                                   updated_at = excluded.updated_at`);
}
