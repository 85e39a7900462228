import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { phoneNumbers } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";
import { assertTeamExists } from "./queries";
import { addNumberInput, type AddNumberInput } from "./schemas";
import { sealNumberToken } from "./token";

export async function addNumber({ ctx, input }: { ctx: Ctx; input: AddNumberInput }) {
  assertCan(ctx.actor, "numbers:manage");
  const { accessToken, ...data } = addNumberInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    if (data.defaultTeamId) await assertTeamExists(tx, data.defaultTeamId, "default_team_id");
    const [row] = await tx
      .insert(phoneNumbers)
      .values({
        ...data,
        ...(accessToken
          ? { accessTokenSealed: sealNumberToken(accessToken), accessTokenSetAt: new Date() }
          : {}),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`Phone number id ${data.phoneNumberId} is already connected`);
    await emitAudit(tx, ctx.actor, {
      action: "number.added",
      entityType: "phone_number",
      entityId: row.id,
      // The token never enters the audit log; only the fact that one was given.
      data: { ...data, accessToken: accessToken ? "set" : undefined },
    });
    return row;
  });
}
