import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { Cursor } from "@/lib/utils/cursor";
import { cursorAt, toPage } from "@/lib/utils/keyset-page";
import type { ApiKeyDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyDto["role"];
  custom_role_id: string | null;
  custom_role_name: string | null;
  created_by: string | null;
  creator_name: string | null;
  created_at: string | Date;
  expires_at: string | Date | null;
  revoked_at: string | Date | null;
  last_used_at: string | Date | null;
};

const keyColumns = sql`
  k.id, k.name, k.prefix, k.role, k.custom_role_id, r.name as custom_role_name, k.created_by,
  u.name as creator_name, k.created_at, k.expires_at, k.revoked_at, k.last_used_at`;
const keyFrom = sql`api_keys k left join roles r on r.id = k.custom_role_id left join users u on u.id = k.created_by`;

export async function selectApiKeys(
  db: DbOrTx,
  params: { activeOnly: boolean; cursor?: Cursor; limit: number },
): Promise<{ data: ApiKeyDto[]; next_cursor: string | null }> {
  const filters: SQL[] = [];
  if (params.activeOnly)
    filters.push(sql`k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`);
  // Newest first: the key just created sits on top.
  if (params.cursor?.at)
    filters.push(sql`(k.created_at, k.id) < (${params.cursor.at}::timestamptz, ${params.cursor.id}::uuid)`);
  const where = filters.length ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  const rows = await db.execute<KeyRow & { cursor_at: string }>(sql`
    select ${cursorAt(sql`k.created_at`)}, ${keyColumns} from ${keyFrom} ${where}
    order by k.created_at desc, k.id desc limit ${params.limit + 1}`);
  return toPage([...rows], params.limit, toApiKeyDto);
}

export async function selectApiKey(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  if (!isUuid(id)) return undefined;
  const [row] = await db.execute<KeyRow>(sql`
    select ${keyColumns} from ${keyFrom} where k.id = ${id} ${opts.lock ? sql`for update of k` : sql``}`);
  return row ? toApiKeyDto(row) : undefined;
}

export type KeyForAuth = {
  id: string;
  key_hash: string;
  role: ApiKeyDto["role"];
  custom_permissions: string[] | null;
  custom_base_role: ApiKeyDto["role"] | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
};

export async function selectKeyForAuth(db: DbOrTx, prefix: string): Promise<KeyForAuth | undefined> {
  const [row] = await db.execute<KeyForAuth>(sql`
    select k.id, k.key_hash, k.role, r.permissions as custom_permissions, r.base_role as custom_base_role,
           k.expires_at, k.revoked_at, k.last_used_at
    from api_keys k left join roles r on r.id = k.custom_role_id
    where k.prefix = ${prefix}`);
  return row;
}

// last_used_at is kept to the minute: busy integrations must not turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Records a key's use at most once a minute. Judged first from the row the key check just read, so a key used
 * within the minute costs no round trip; the condition keeps concurrent requests to one write.
 */
export async function touchLastUsed(db: DbOrTx, row: Pick<KeyForAuth, "id" | "last_used_at">): Promise<void> {
  const last = row.last_used_at === null ? null : new Date(row.last_used_at).getTime();
  if (last !== null && Date.now() - last < LAST_USED_RESOLUTION_MS) return;
  await db.execute(sql`
    update api_keys set last_used_at = now()
    where id = ${row.id} and (last_used_at is null
      or last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000}))`);
}

function toApiKeyDto(row: KeyRow): ApiKeyDto {
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  const expired = row.expires_at !== null && new Date(row.expires_at).getTime() <= Date.now();
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    custom_role: row.custom_role_id ? { id: row.custom_role_id, name: row.custom_role_name ?? "" } : null,
    created_by: row.created_by ? { id: row.created_by, name: row.creator_name ?? "" } : null,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
    status: row.revoked_at ? "revoked" : expired ? "expired" : "active",
  };
}
