import { sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@/lib/db/client";
import { ConflictError } from "@/lib/errors";
import { AT_FORMAT, auditHash, GENESIS_HASH } from "./hash";
import type { AuditBreakReason, AuditVerifyResult } from "./schemas";

// Only one verification at a time through the API: each one reads the whole log.
const VERIFY_LOCK = 7231003;

type StoredRow = {
  id: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  data: string | null;
  prev_hash: string;
  hash: string;
};

export type VerifyOptions = {
  batchSize?: number;
  onProgress?: (progress: { rows: number; lastId: number | null }) => void;
  /** Refuse (409) instead of running when another exclusive verification is in progress. */
  exclusive?: boolean;
};

/**
 * Walks the audit log in id order, a batch at a time (memory stays flat at millions of rows), and names
 * the first row whose hash, link to the previous row, or agreement with the anchor fails. Runs in one
 * read-only repeatable-read snapshot so concurrent appends (row + anchor, one transaction) cannot look
 * like a break. Id gaps alone are not breaks (a rolled-back append burns an id); a gap where the link
 * also fails means rows were deleted.
 */
export async function verifyAuditChain(db: DbOrTx, options: VerifyOptions = {}): Promise<AuditVerifyResult> {
  const requested = options.batchSize ?? 5000;
  const batchSize = Number.isInteger(requested) && requested > 0 ? Math.min(requested, 50_000) : 5000;
  const run = (tx: Tx) => walk(tx, batchSize, options);
  if ("rollback" in db) return run(db);
  return db.transaction(run, { isolationLevel: "repeatable read", accessMode: "read only" });
}

async function walk(tx: Tx, batchSize: number, options: VerifyOptions): Promise<AuditVerifyResult> {
  if (options.exclusive) {
    const [lock] = await tx.execute<{ ok: boolean }>(
      sql`select pg_try_advisory_xact_lock(${VERIFY_LOCK}) as ok`,
    );
    if (!lock?.ok) throw new ConflictError("A verification of the audit log is already running");
  }
  const [anchor] = await tx.execute<{ last_id: string; last_hash: string }>(
    sql`select last_id, last_hash from audit_anchor where id = 1`,
  );
  const anchorId = anchor ? Number(anchor.last_id) : null;
  let rows = 0;
  let lastId: number | null = null;
  let expectedPrev = GENESIS_HASH;
  let firstBeyondAnchor: number | null = null;
  const broken = (brokenAt: number, reason: AuditBreakReason, detail: string): AuditVerifyResult => ({
    ok: false,
    brokenAt,
    reason,
    detail,
    rows,
    lastIntactId: lastId,
  });

  for (;;) {
    const after: number = lastId ?? 0;
    const batch = await tx.execute<StoredRow>(sql`
      select id::text as id, to_char(at at time zone 'UTC', ${AT_FORMAT}) as at, actor_type, actor_id, action,
             entity_type, entity_id, data::text as data, prev_hash, hash
      from audit_log
      where audit_log.id > ${after}
      order by audit_log.id
      limit ${batchSize}`);
    for (const row of batch) {
      const id: number = Number(row.id);
      if (row.prev_hash !== expectedPrev) {
        const gap = lastId === null ? id > 1 : id > lastId + 1;
        return gap
          ? broken(
              id,
              "rows_missing",
              `#${id} links to a row that is not there: rows ${lastId === null ? "before" : `between #${lastId} and`} #${id} were deleted`,
            )
          : broken(
              id,
              "prev_hash_mismatch",
              `#${id} does not link to #${lastId ?? "genesis"} (moved or altered)`,
            );
      }
      const recomputed = auditHash(row.prev_hash, {
        id,
        at: row.at,
        actorType: row.actor_type,
        actorId: row.actor_id,
        action: row.action,
        entityType: row.entity_type,
        entityId: row.entity_id,
        data: row.data,
      });
      if (recomputed !== row.hash)
        return broken(id, "hash_mismatch", `#${id}'s content does not match its hash`);
      if (anchorId !== null && id > anchorId && firstBeyondAnchor === null) firstBeyondAnchor = id;
      expectedPrev = row.hash;
      lastId = id;
      rows++;
    }
    options.onProgress?.({ rows, lastId });
    if (batch.length < batchSize) break;
  }

  if (!anchor) {
    if (lastId === null) return { ok: true, rows, lastId };
    return broken(lastId, "anchor_missing", "the audit anchor (the recorded head of the chain) is missing");
  }
  if (firstBeyondAnchor !== null)
    return broken(
      firstBeyondAnchor,
      "anchor_mismatch",
      `#${firstBeyondAnchor} comes after the recorded head #${anchorId}: rows were added outside the app`,
    );
  if (lastId === null || lastId < anchorId!)
    return broken(
      anchorId!,
      "anchor_mismatch",
      `the log ends at ${lastId === null ? "nothing" : `#${lastId}`} but the anchor records head #${anchorId}: rows were removed from the tail`,
    );
  if (expectedPrev !== anchor.last_hash)
    return broken(lastId, "anchor_mismatch", `#${lastId}'s hash differs from the one the anchor recorded`);
  return { ok: true, rows, lastId };
}
