import { eq, inArray, sql, type SQL } from "drizzle-orm";
import type { UserActor } from "@/lib/auth/actor";
import { isPermission, type Permission } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import { roles, teamMembers, users } from "@/lib/db/schema";
import type { Cursor } from "@/lib/utils/cursor";
import { cursorAt, toPage } from "@/lib/utils/keyset-page";
import type { UserDto, UserSummaryDto } from "./schemas";
import { containsPattern, isUuid } from "@/lib/utils/ids";

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
 * What a user actor is made of besides the user row, as subqueries on `users.id`: for a query that reads the
 * user anyway (the session check reads its session row and the user's in one round trip).
 */
export const actorColumns = {
  customPermissions: sql<
    string[] | null
  >`(select ${roles.permissions} from ${roles} where ${roles.id} = ${users.customRoleId})`,
  teamIds: sql<
    string[]
  >`coalesce((select array_agg(${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id}), '{}')`,
  managedTeamIds: sql<
    string[]
  >`coalesce((select array_agg(${teamMembers.teamId}) from ${teamMembers} where ${teamMembers.userId} = ${users.id} and ${teamMembers.isManager}), '{}')`,
};

/** The actor of a row read with `actorColumns`. */
export function toUserActor(row: {
  id: string;
  role: UserActor["role"];
  teamIds: string[];
  managedTeamIds: string[];
  customPermissions: string[] | null;
}): UserActor {
  return {
    type: "user",
    id: row.id,
    role: row.role,
    teamIds: row.teamIds,
    managedTeamIds: row.managedTeamIds,
    ...(row.customPermissions ? { permissions: customPermissionList(row.customPermissions) } : {}),
  };
}

/**
 * The actor behind a session, or undefined when the session is no longer valid: user gone, disabled,
 * or its session version bumped since the token was issued (revocation takes effect on the next request).
 */
export async function loadActor(
  db: DbOrTx,
  userId: string,
  sessionVersion: number,
): Promise<UserActor | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      role: users.role,
      disabledAt: users.disabledAt,
      sessionVersion: users.sessionVersion,
      ...actorColumns,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || row.disabledAt || row.sessionVersion !== sessionVersion) return undefined;
  return toUserActor(row);
}

// Permissions removed from the catalogue since a role was saved are ignored, never granted.
function customPermissionList(stored: string[]): Permission[] {
  return stored.filter(isPermission);
}

type PersonRow = {
  id: string;
  name: string;
  email: string;
  role: UserDto["role"];
  custom_role_id: string | null;
  custom_role_name: string | null;
  disabled_at: string | Date | null;
  mfa_enabled_at: string | Date | null;
  must_change_password: boolean;
  last_sign_in_at: string | Date | null;
  created_at: string | Date;
  teams: { id: string; name: string; is_manager: boolean }[];
};

const personColumns = sql`
  u.id, u.name, u.email, u.role, u.custom_role_id, r.name as custom_role_name, u.disabled_at,
  u.mfa_enabled_at, u.must_change_password, u.last_sign_in_at, u.created_at,
  coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name, 'is_manager', m.is_manager) order by t.name)
            from team_members m join teams t on t.id = m.team_id where m.user_id = u.id), '[]'::json) as teams`;

export async function selectPeople(
  db: DbOrTx,
  params: {
    q?: string;
    teamId?: string;
    status: "active" | "disabled" | "all";
    cursor?: Cursor;
    limit: number;
  },
): Promise<{ data: UserDto[]; next_cursor: string | null }> {
  const filters: SQL[] = [];
  if (params.status === "active") filters.push(sql`u.disabled_at is null`);
  if (params.status === "disabled") filters.push(sql`u.disabled_at is not null`);
  if (params.q) {
    const like = containsPattern(params.q);
    filters.push(sql`(u.name ilike ${like} or u.email ilike ${like})`);
  }
  if (params.teamId)
    filters.push(
      sql`exists (select 1 from team_members m where m.user_id = u.id and m.team_id = ${params.teamId})`,
    );
  if (params.cursor?.at)
    filters.push(sql`(u.created_at, u.id) > (${params.cursor.at}::timestamptz, ${params.cursor.id}::uuid)`);
  const where = filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  const rows = await db.execute<PersonRow & { cursor_at: string }>(sql`
    select ${cursorAt(sql`u.created_at`)}, ${personColumns} from users u left join roles r on r.id = u.custom_role_id
    ${where} order by u.created_at, u.id limit ${params.limit + 1}`);
  return toPage([...rows], params.limit, toUserDto);
}

export async function selectPerson(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  if (!isUuid(id)) return undefined;
  const [row] = await db.execute<PersonRow>(sql`
    select ${personColumns} from users u left join roles r on r.id = u.custom_role_id
    where u.id = ${id} ${opts.lock ? sql`for update of u` : sql``}`);
  return row ? toUserDto(row) : undefined;
}

/** Active built-in admins, locked so two concurrent demotions cannot both pass the last-admin check. */
export async function lockActiveAdminIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select id from users where role = 'admin' and custom_role_id is null and disabled_at is null for update`);
  return [...rows].map((r) => r.id);
}

/** Ends every session of these users from their next request (and their sockets, see lib/auth). */
export async function bumpSessionVersion(db: DbOrTx, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
    .where(inArray(users.id, userIds));
}

export function toSummary(user: UserDto): UserSummaryDto {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    teams: user.teams.map((t) => ({ id: t.id, name: t.name })),
  };
}

function toUserDto(row: PersonRow): UserDto {
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    custom_role: row.custom_role_id ? { id: row.custom_role_id, name: row.custom_role_name ?? "" } : null,
    teams: row.teams,
    status: row.disabled_at ? "disabled" : "active",
    disabled_at: iso(row.disabled_at),
    mfa_enabled: row.mfa_enabled_at !== null,
    must_change_password: row.must_change_password,
    last_sign_in_at: iso(row.last_sign_in_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}
