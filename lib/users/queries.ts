import { eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { isPermission, type Permission } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import { roles, teamMembers, users } from "@/lib/db/schema";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row;
}

/**
 * The actor behind a session, or undefined when the session is no longer valid: user gone, disabled,
 * or its session version bumped since the token was issued (revocation takes effect on the next request).
 */
export async function loadActor(
  db: DbOrTx,
  userId: string,
  sessionVersion: number,
): Promise<Actor | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      disabledAt: users.disabledAt,
      sessionVersion: users.sessionVersion,
      customPermissions: roles.permissions,
      teamIds: sql<
        string[]
      >`coalesce(array_agg(${teamMembers.teamId}) filter (where ${teamMembers.teamId} is not null), '{}')`,
      managedTeamIds: sql<
        string[]
      >`coalesce(array_agg(${teamMembers.teamId}) filter (where ${teamMembers.isManager}), '{}')`,
    })
    .from(users)
    .leftJoin(teamMembers, eq(teamMembers.userId, users.id))
    .leftJoin(roles, eq(roles.id, users.customRoleId))
    .where(eq(users.id, userId))
    .groupBy(users.id, roles.id)
    .limit(1);
  if (!row || row.disabledAt || row.sessionVersion !== sessionVersion) return undefined;
  return {
    type: "user",
    id: row.id,
    role: row.role,
    teamIds: row.teamIds,
    managedTeamIds: row.managedTeamIds,
    ...(row.customPermissions ? { permissions: customPermissionList(row.customPermissions) } : {}),
  };
}

// Permissions removed from the catalogue since a role was saved are ignored, never granted.
function customPermissionList(stored: string[]): Permission[] {
  return stored.filter(isPermission);
}
