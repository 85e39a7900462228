import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { emitAudit } from "./emit-audit";
import type { AuditVerifyDto } from "./schemas";
import { verifyAuditChain } from "./verify";

/**
 * An admin checks the whole chain from the UI. Admin-only (audit:export, which only admins hold by
 * default): it reads every row, so one runs at a time (409 otherwise). The outcome is itself audited.
 */
export async function verifyAudit({ ctx }: { ctx: Ctx }): Promise<AuditVerifyDto> {
  assertCan(ctx.actor, "audit:export");
  const started = performance.now();
  const result = await verifyAuditChain(dbOf(ctx), { exclusive: true });
  const duration_ms = Math.round(performance.now() - started);
  await withTransaction(ctx, (tx) =>
    emitAudit(tx, ctx.actor, {
      action: "audit.verified",
      entityType: "audit_log",
      data: result.ok
        ? { ok: true, rows: result.rows, last_id: result.lastId }
        : { ok: false, broken_at: result.brokenAt, reason: result.reason, rows: result.rows },
    }),
  );
  return { ...result, duration_ms };
}
