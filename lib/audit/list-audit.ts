import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { selectAuditPage } from "./queries";
import { auditListInput, type AuditPage } from "./schemas";

/** Browse the log newest first with filters, a page at a time (`next_cursor` until it is null). */
export async function listAudit({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AuditPage> {
  assertCan(ctx.actor, "audit:read");
  const { cursor, limit, ...filters } = auditListInput.parse(input);
  const data = await selectAuditPage(dbOf(ctx), {
    filters,
    before: cursor ? Number(cursor) : undefined,
    limit,
  });
  const last = data.length === limit ? data[data.length - 1] : undefined;
  return { data, next_cursor: last ? String(last.id) : null };
}
