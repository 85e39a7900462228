import { eq } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { phoneNumbers } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";
import { getNumberForAdmin } from "./list-numbers";
import { assertTeamExists } from "./queries";
import { updateNumberInput, type NumberDto, type UpdateNumberInput } from "./schemas";
import { sealNumberToken } from "./token";

/**
 * PATCH a number: display name, throughput (the send limiter reads send_rate_limit per send), default team,
 * or a new token (sealed). Audited with old and new values; the token only as "replaced".
 */
export async function updateNumber({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; changes: UpdateNumberInput };
}): Promise<NumberDto> {
  assertCan(ctx.actor, "numbers:manage");
  const changes = updateNumberInput.parse(input.changes);
  if (!isUuid(input.id)) throw new NotFoundError("Number");
  await withTransaction(ctx, async (tx) => {
    const [before] = await tx
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.id, input.id))
      .for("update")
      .limit(1);
    if (!before) throw new NotFoundError("Number");
    if (changes.default_team_id) await assertTeamExists(tx, changes.default_team_id, "default_team_id");
    const set: Partial<typeof phoneNumbers.$inferInsert> = {};
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    if (changes.display_number !== undefined && changes.display_number !== before.displayNumber) {
      set.displayNumber = changes.display_number;
      from.display_number = before.displayNumber;
      to.display_number = changes.display_number;
    }
    if (changes.send_rate_limit !== undefined && changes.send_rate_limit !== before.sendRateLimit) {
      set.sendRateLimit = changes.send_rate_limit;
      from.send_rate_limit = before.sendRateLimit;
      to.send_rate_limit = changes.send_rate_limit;
    }
    if (changes.default_team_id !== undefined && changes.default_team_id !== before.defaultTeamId) {
      set.defaultTeamId = changes.default_team_id;
      from.default_team_id = before.defaultTeamId;
      to.default_team_id = changes.default_team_id;
    }
    if (changes.access_token !== undefined) {
      set.accessTokenSealed = sealNumberToken(changes.access_token);
      set.accessTokenSetAt = new Date();
      from.access_token = before.accessTokenSealed ? "set" : "none";
      to.access_token = "replaced";
    }
    if (Object.keys(set).length === 0) return;
    await tx.update(phoneNumbers).set(set).where(eq(phoneNumbers.id, before.id));
    await emitAudit(tx, ctx.actor, {
      action: "number.updated",
      entityType: "phone_number",
      entityId: before.id,
      data: { from, to },
    });
  });
  return getNumberForAdmin({ ctx, input: { id: input.id } });
}
