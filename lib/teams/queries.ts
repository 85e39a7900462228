import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { Cursor } from "@/lib/utils/cursor";
import { cursorAt, toPage } from "@/lib/utils/keyset-page";
import type { TeamMemberDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

export type TeamRow = { id: string; name: string; member_count: number; created_at: string };

type RawTeam = { id: string; name: string; member_count: number; created_at: string | Date };

const teamColumns = sql`t.id, t.name, t.created_at,
  (select count(*)::int from team_members m where m.team_id = t.id) as member_count`;

export async function selectTeams(
  db: DbOrTx,
  params: { cursor?: Cursor; limit: number },
): Promise<{ data: TeamRow[]; next_cursor: string | null }> {
  const after = params.cursor?.at
    ? sql`where (t.created_at, t.id) > (${params.cursor.at}::timestamptz, ${params.cursor.id}::uuid)`
    : sql``;
  const rows = await db.execute<RawTeam & { cursor_at: string }>(sql`
    select ${cursorAt(sql`t.created_at`)}, ${teamColumns} from teams t ${after} order by t.created_at, t.id limit ${params.limit + 1}`);
  return toPage([...rows], params.limit, toTeamRow);
}

export async function selectTeam(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  if (!isUuid(id)) return undefined;
  const [row] = await db.execute<RawTeam>(sql`
    select ${teamColumns} from teams t where t.id = ${id} ${opts.lock ? sql`for update` : sql``}`);
  return row ? toTeamRow(row) : undefined;
}

export async function selectMembers(db: DbOrTx, teamIds: string[]): Promise<Map<string, TeamMemberDto[]>> {
  const byTeam = new Map<string, TeamMemberDto[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return byTeam;
  const rows = await db.execute<TeamMemberDto & { team_id: string; disabled_at: string | null }>(sql`
    select m.team_id, u.id as user_id, u.name, u.email, u.role, m.is_manager, u.disabled_at
    from team_members m join users u on u.id = m.user_id
    where m.team_id in ${sql`(${sql.join(
      teamIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`}
    order by m.is_manager desc, u.name`);
  for (const row of rows)
    byTeam.get(row.team_id)?.push({
      user_id: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role,
      is_manager: row.is_manager,
      disabled: row.disabled_at !== null,
    });
  return byTeam;
}

export async function selectMembership(db: DbOrTx, teamId: string, userId: string) {
  if (!isUuid(userId)) return undefined;
  const [row] = await db.execute<{ is_manager: boolean; role: TeamMemberDto["role"] }>(sql`
    select m.is_manager, u.role from team_members m join users u on u.id = m.user_id
    where m.team_id = ${teamId} and m.user_id = ${userId}`);
  return row;
}

function toTeamRow(row: RawTeam): TeamRow {
  return {
    id: row.id,
    name: row.name,
    member_count: Number(row.member_count),
    created_at: new Date(row.created_at).toISOString(),
  };
}
