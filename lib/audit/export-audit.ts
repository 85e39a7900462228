import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { csvRow } from "./csv";
import { emitAudit } from "./emit-audit";
import { selectAuditPage } from "./queries";
import { auditFilters } from "./schemas";

const BATCH = 1000;
const COLUMNS = [
  "id",
  "at",
  "actor_type",
  "actor_id",
  "actor_name",
  "action",
  "entity_type",
  "entity_id",
  "data",
  "hash",
] as const;

/**
 * The filtered log as CSV, newest first, streamed a batch at a time so any size exports in flat memory.
 * The export is audited (with its filters) before the first byte leaves.
 */
export async function exportAudit({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: unknown;
}): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  assertCan(ctx.actor, "audit:export");
  const filters = auditFilters.parse(input);
  await withTransaction(ctx, (tx) =>
    emitAudit(tx, ctx.actor, { action: "audit.exported", entityType: "audit_log", data: { filters } }),
  );
  const db = dbOf(ctx);
  const encoder = new TextEncoder();
  let before: number | undefined;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow([...COLUMNS])));
      }
      const rows = await selectAuditPage(db, { filters, before, limit: BATCH });
      if (rows.length > 0)
        controller.enqueue(encoder.encode(rows.map((r) => csvRow(COLUMNS.map((c) => r[c]))).join("")));
      if (rows.length < BATCH) controller.close();
      else before = rows[rows.length - 1]!.id;
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return { filename: `audit-log-${stamp}.csv`, body };
}
