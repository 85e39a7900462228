import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { phoneNumbers } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";
import { addNumberInput, type AddNumberInput } from "./schemas";

export async function addNumber({ ctx, input }: { ctx: Ctx; input: AddNumberInput }) {
  assertCan(ctx.actor, "numbers:manage");
  const data = addNumberInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.insert(phoneNumbers).values(data).onConflictDoNothing().returning();
    if (!row) throw new ConflictError(`Phone number id ${data.phoneNumberId} is already connected`);
    await emitAudit(tx, ctx.actor, {
      action: "number.added",
      entityType: "phone_number",
      entityId: row.id,
      data,
    });
    return row;
  });
}
