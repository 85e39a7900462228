import { assertCan } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { checkPasswordPolicy } from "@/lib/auth/password-policy";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teamMembers, users } from "@/lib/db/schema";
import { ConflictError, ValidationError } from "@/lib/errors";
import { findUserByEmail } from "./queries";
import { createUserInput, type CreateUserInput } from "./schemas";

export async function createUser({ ctx, input }: { ctx: Ctx; input: CreateUserInput }) {
  assertCan(ctx.actor, "users:manage");
  const data = createUserInput.parse(input);
  const policy = checkPasswordPolicy(data.password, data.email);
  if (!policy.ok) throw new ValidationError(`password: ${policy.reason}`, { field: "password" });
  const passwordHash = await hashPassword(data.password);
  return withTransaction(ctx, async (tx) => {
    if (await findUserByEmail(tx, data.email))
      throw new ConflictError(`A user with email ${data.email} already exists`);
    const [user] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, role: data.role, passwordHash })
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
    if (!user) throw new Error("user insert returned no row");
    if (data.teamIds.length > 0) {
      await tx.insert(teamMembers).values(data.teamIds.map((teamId) => ({ teamId, userId: user.id })));
    }
    await emitAudit(tx, ctx.actor, {
      action: "user.created",
      entityType: "user",
      entityId: user.id,
      data: { email: user.email, role: user.role, teamIds: data.teamIds },
    });
    return user;
  });
}
