import { eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { teamMembers, users } from "@/lib/db/schema";

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
      teamIds: sql<
        string[]
      >`coalesce(array_agg(${teamMembers.teamId}) filter (where ${teamMembers.teamId} is not null), '{}')`,
    })
    .from(users)
    .leftJoin(teamMembers, eq(teamMembers.userId, users.id))
    .where(eq(users.id, userId))
    .groupBy(users.id)
    .limit(1);
  if (!row || row.disabledAt || row.sessionVersion !== sessionVersion) return undefined;
  return { type: "user", id: row.id, role: row.role, teamIds: row.teamIds };
}
