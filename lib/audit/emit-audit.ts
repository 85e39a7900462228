import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";

export type AuditEntry = { action: string; entityType: string; entityId?: string | null; data?: unknown };

/**
 * Appends to the hash-chained audit log inside the caller's transaction, so the entry commits or rolls
 * back with the change it describes. The chain's lock (advisory lock 7231002, taken in audit_append, which
 * serialises appends across every process) is held until that transaction ends.
 */
export async function emitAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await emitAuditBatch(tx, actor, [entry]);
}

/**
 * Appends several entries as consecutive rows of the chain, in the order given, in one statement: the
 * database function `audit_append` (drizzle/0027_audit_append.sql) takes the lock, reads the head, draws
 * ids, hashes each row as lib/audit/hash.ts verifies it and moves the anchor. Doing it there holds the lock
 * for that statement and the commit, not for three round trips through this process's event loop: after an
 * outage every queued writer waits on this lock, and a busy loop made each of those trips tens of ms.
 * Call it last in the transaction: whatever runs after it also holds every other writer back.
 */
export async function emitAuditBatch(tx: Tx, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // `data` goes as JSON text: the function stores it as jsonb and hashes the text Postgres gives back.
  const json = JSON.stringify(
    entries.map((e) => ({
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      data: e.data === undefined || e.data === null ? null : JSON.stringify(e.data),
    })),
  );
  const actorId = actor.type === "user" ? actor.id : actor.name;
  await tx.execute(sql`select audit_append(${actor.type}, ${actorId}, ${json}::jsonb)`);
}
