import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { Cursor } from "@/lib/utils/cursor";
import { cursorAt, toPage } from "@/lib/utils/keyset-page";
import type { BuiltInRole, RoleDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

type RoleRow = {
  id: string;
  name: string;
  description: string;
  base_role: BuiltInRole;
  permissions: string[];
  user_count: number;
  api_key_count: number;
  created_at: string | Date;
  updated_at: string | Date;
};

const roleColumns = sql`
  r.id, r.name, r.description, r.base_role, r.permissions, r.created_at, r.updated_at,
  (select count(*)::int from users u where u.custom_role_id = r.id) as user_count,
  (select count(*)::int from api_keys k where k.custom_role_id = r.id) as api_key_count`;

export async function selectRoles(
  db: DbOrTx,
  params: { cursor?: Cursor; limit: number },
): Promise<{ data: RoleDto[]; next_cursor: string | null }> {
  const after = params.cursor?.at
    ? sql`where (r.created_at, r.id) > (${params.cursor.at}::timestamptz, ${params.cursor.id}::uuid)`
    : sql``;
  const rows = await db.execute<RoleRow & { cursor_at: string }>(sql`
    select ${cursorAt(sql`r.created_at`)}, ${roleColumns} from roles r ${after}
    order by r.created_at, r.id limit ${params.limit + 1}`);
  return toPage([...rows], params.limit, toRoleDto);
}

export async function selectRole(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  if (!isUuid(id)) return undefined;
  const [row] = await db.execute<RoleRow>(sql`
    select ${roleColumns} from roles r where r.id = ${id} ${opts.lock ? sql`for update` : sql``}`);
  return row ? toRoleDto(row) : undefined;
}

function toRoleDto(row: RoleRow): RoleDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    base_role: row.base_role,
    permissions: row.permissions,
    user_count: Number(row.user_count),
    api_key_count: Number(row.api_key_count),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
