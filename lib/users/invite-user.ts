import crypto from "node:crypto";
import { assertCan } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { checkPasswordPolicy } from "@/lib/auth/password-policy";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teamMembers, users } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";
import { resolveRoleAssignment } from "@/lib/roles";
import { assertTeamsExist } from "./team-ids";
import { findUserByEmail, selectPerson } from "./queries";
import { inviteUserInput, type InviteUserInput, type InviteUserResult } from "./schemas";

/**
 * Creates a person with a generated one-time password (returned once, never stored in clear) that they
 * must change at their first sign-in.
 */
export async function inviteUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: InviteUserInput;
}): Promise<InviteUserResult> {
  assertCan(ctx.actor, "users:manage");
  const data = inviteUserInput.parse(input);
  const initialPassword = generateInitialPassword(data.email);
  const passwordHash = await hashPassword(initialPassword);
  return withTransaction(ctx, async (tx) => {
    const assignment = await resolveRoleAssignment(tx, ctx.actor, {
      role: data.role,
      customRoleId: data.custom_role_id,
    });
    await assertTeamsExist(tx, data.team_ids);
    if (await findUserByEmail(tx, data.email))
      throw new ConflictError(`A user with email ${data.email} already exists`);
    const [user] = await tx
      .insert(users)
      .values({
        email: data.email,
        name: data.name,
        role: assignment.role,
        customRoleId: assignment.customRoleId,
        passwordHash,
        mustChangePassword: true,
      })
      .returning({ id: users.id });
    if (!user) throw new Error("user insert returned no row");
    const teamIds = [...new Set(data.team_ids)];
    if (teamIds.length > 0)
      await tx.insert(teamMembers).values(teamIds.map((teamId) => ({ teamId, userId: user.id })));
    await emitAudit(tx, ctx.actor, {
      action: "user.created",
      entityType: "user",
      entityId: user.id,
      data: {
        email: data.email,
        role: assignment.role,
        customRoleId: assignment.customRoleId,
        teamIds,
        invited: true,
      },
    });
    return { user: (await selectPerson(tx, user.id))!, initial_password: initialPassword };
  });
}

// 120 random bits in 20 url-safe characters, still held to the same policy as a chosen password.
function generateInitialPassword(email: string): string {
  for (;;) {
    const candidate = crypto.randomBytes(15).toString("base64url");
    if (checkPasswordPolicy(candidate, email).ok) return candidate;
  }
}
