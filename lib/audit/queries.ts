import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditEntryDto, AuditFilters } from "./schemas";

type Row = Omit<AuditEntryDto, "id" | "at"> & { id: string; at: Date | string };

/**
 * One page of the log, newest first (keyset on id: rows < `before`). The limit applies before the user
 * join, so names are resolved for the page only.
 */
export async function selectAuditPage(
  db: DbOrTx,
  params: { filters: AuditFilters; before?: number; limit: number },
): Promise<AuditEntryDto[]> {
  const where = conditions(params.filters);
  if (params.before !== undefined) where.push(sql`a.id < ${params.before}`);
  const rows = await db.execute<Row>(sql`
    select a.id::text as id, a.at, a.actor_type, a.actor_id,
           case when a.actor_type = 'user' then u.name else a.actor_id end as actor_name,
           a.action, a.entity_type, a.entity_id, a.data, a.hash
    from (
      select * from audit_log a
      ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
      order by a.id desc
      limit ${params.limit}
    ) a
    left join users u on a.actor_type = 'user' and u.id::text = a.actor_id
    order by a.id desc`);
  return rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() }));
}

function conditions(filters: AuditFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.actor) where.push(sql`a.actor_id = ${filters.actor}`);
  // A prefix: `campaign.` finds campaign.started, campaign.paused….
  if (filters.action) where.push(sql`a.action like ${`${escapeLike(filters.action)}%`}`);
  if (filters.entity_type) where.push(sql`a.entity_type = ${filters.entity_type}`);
  if (filters.entity_id) where.push(sql`a.entity_id = ${filters.entity_id}`);
  if (filters.from) where.push(sql`a.at >= ${new Date(filters.from).toISOString()}::timestamptz`);
  if (filters.to) where.push(sql`a.at < ${new Date(filters.to).toISOString()}::timestamptz`);
  return where;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
