import { and, eq, inArray, sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teamMembers, users } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { resolveRoleAssignment } from "@/lib/roles";
import { assertMayChange, assertNotLastAdmin } from "./guards";
import { selectPerson } from "./queries";
import { assertTeamsExist } from "./team-ids";
import { updateUserInput, type UpdateUserInput, type UserDto } from "./schemas";

/**
 * Changes a person's name, role (built-in or custom) and teams. A role change ends their sessions so
 * the new rights apply from the next request; nobody may leave the workspace without an admin.
 */
export async function updateUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; changes: UpdateUserInput };
}): Promise<UserDto> {
  assertCan(ctx.actor, "users:manage");
  const { id } = input;
  const data = updateUserInput.parse(input.changes);
  return withTransaction(ctx, async (tx) => {
    const user = await selectPerson(tx, id, { lock: true });
    if (!user) throw new NotFoundError("User");
    assertMayChange(ctx.actor, user);
    const now = new Date();

    if (data.name !== undefined && data.name !== user.name)
      await tx.update(users).set({ name: data.name, updatedAt: now }).where(eq(users.id, id));

    const roleTouched = data.role !== undefined || data.custom_role_id !== undefined;
    if (roleTouched) {
      const assignment = await resolveRoleAssignment(tx, ctx.actor, {
        // A custom role brings its own base role; clearing it without a role keeps the current one.
        role: data.custom_role_id ? data.role : (data.role ?? user.role),
        customRoleId: data.custom_role_id ?? null,
      });
      const changed =
        assignment.role !== user.role || assignment.customRoleId !== (user.custom_role?.id ?? null);
      if (changed) {
        if (assignment.role !== "admin" || assignment.customRoleId)
          await assertNotLastAdmin(tx, user, ctx.actor);
        await tx
          .update(users)
          .set({
            role: assignment.role,
            customRoleId: assignment.customRoleId,
            sessionVersion: sql`${users.sessionVersion} + 1`,
            updatedAt: now,
          })
          .where(eq(users.id, id));
        await emitAudit(tx, ctx.actor, {
          action: "user.role_changed",
          entityType: "user",
          entityId: id,
          data: {
            from: { role: user.role, customRoleId: user.custom_role?.id ?? null },
            to: { role: assignment.role, customRoleId: assignment.customRoleId },
          },
        });
      }
    }

    if (data.team_ids !== undefined) {
      const wanted = [...new Set(data.team_ids)];
      await assertTeamsExist(tx, wanted);
      const current = user.teams.map((t) => t.id);
      const added = wanted.filter((t) => !current.includes(t));
      const removed = current.filter((t) => !wanted.includes(t));
      if (removed.length > 0)
        await tx
          .delete(teamMembers)
          .where(and(eq(teamMembers.userId, id), inArray(teamMembers.teamId, removed)));
      if (added.length > 0)
        await tx.insert(teamMembers).values(added.map((teamId) => ({ teamId, userId: id })));
      if (added.length > 0 || removed.length > 0)
        await emitAudit(tx, ctx.actor, {
          action: "user.teams_changed",
          entityType: "user",
          entityId: id,
          data: { added, removed },
        });
    }
    return (await selectPerson(tx, id))!;
  });
}
