import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";

export const retentionInput = z.object({ days: z.number().int().min(1).max(3650).nullable() }).strict();
export const legalHoldInput = z.object({ hold: z.boolean() }).strict();

/** How long a number's messages are kept (null = forever). Admins; audited. */
export async function setNumberRetention({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string } & z.input<typeof retentionInput>;
}) {
  assertCan(ctx.actor, "numbers:manage");
  const { numberId, ...body } = input;
  const { days } = retentionInput.parse(body);
  if (!isUuid(numberId)) throw new NotFoundError("Number");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ previous: number | null }>(sql`
      update phone_numbers n set retention_days = ${days}
      from (select retention_days as previous from phone_numbers where id = ${numberId}) p
      where n.id = ${numberId} returning p.previous`);
    if (!row) throw new NotFoundError("Number");
    await emitAudit(tx, ctx.actor, {
      action: "number.retention_changed",
      entityType: "phone_number",
      entityId: numberId,
      data: { from: row.previous, to: days },
    });
    return { number_id: numberId, retention_days: days };
  });
}

/** Puts a conversation or a contact under legal hold (or lifts it): retention never purges it meanwhile. */
export async function setLegalHold({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { kind: "conversation" | "contact"; id: string } & z.input<typeof legalHoldInput>;
}) {
  assertCan(ctx.actor, "settings:manage");
  const { hold } = legalHoldInput.parse({ hold: input.hold });
  if (!isUuid(input.id)) throw new NotFoundError(input.kind === "contact" ? "Contact" : "Conversation");
  const table = input.kind === "contact" ? sql`contacts` : sql`conversations`;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ id: string; legal_hold_at: string | null }>(sql`
      update ${table} set legal_hold_at = case when ${hold} then coalesce(legal_hold_at, now()) else null end
      where id = ${input.id} returning id, legal_hold_at`);
    if (!row) throw new NotFoundError(input.kind === "contact" ? "Contact" : "Conversation");
    await emitAudit(tx, ctx.actor, {
      action: hold ? "legal_hold.set" : "legal_hold.lifted",
      entityType: input.kind,
      entityId: input.id,
    });
    return { id: row.id, legal_hold: hold };
  });
}
