import crypto from "node:crypto";
import { desc, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";

export type AuditEntry = { action: string; entityType: string; entityId?: string | null; data?: unknown };

const GENESIS = "0".repeat(64);

/**
 * Appends to the hash-chained audit log inside the caller's transaction, so the entry commits or rolls
 * back with the change it describes. The advisory lock serialises appends to keep the chain linear.
 */
export async function emitAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7231002)`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  const at = new Date();
  const row = {
    at,
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.id : actor.name,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    data: entry.data ?? null,
  };
  await tx.insert(auditLog).values({ ...row, prevHash, hash: auditHash(prevHash, row) });
}

export function auditHash(prevHash: string, row: Record<string, unknown>): string {
  return crypto.createHash("sha256").update(prevHash).update(canonicalJson(row)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
