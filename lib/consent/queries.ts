import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { ConsentRecordDto, ConsentSourceName, ConsentStateName } from "./schemas";

export type EffectiveConsent = { state: ConsentStateName; source: ConsentSourceName; at: Date };

/**
 * The state that decides a send of `category` per contact: the newer of the category's own state and
 * `all` (an opt-out of everything also stops utility; an opt-in to everything counts for marketing).
 */
export async function selectEffectiveConsents(
  db: DbOrTx,
  contactIds: string[],
  category: string,
): Promise<Map<string, EffectiveConsent>> {
  const result = new Map<string, EffectiveConsent>();
  if (contactIds.length === 0) return result;
  const rows = await db.execute<{
    contact_id: string;
    state: ConsentStateName;
    source: ConsentSourceName;
    at: string;
  }>(sql`
    select distinct on (contact_id) contact_id, state, source, at
    from consents
    where contact_id = any(${uuidArray(contactIds)}::uuid[]) and category in (${category}, 'all')
    order by contact_id, date_trunc('second', at) desc, event_id desc`);
  for (const row of rows)
    result.set(row.contact_id, { state: row.state, source: row.source, at: new Date(row.at) });
  return result;
}

export async function selectConsentRecords(
  db: DbOrTx,
  contactId: string,
): Promise<{ current: ConsentRecordDto[]; history: ConsentRecordDto[]; meta: string | null }> {
  const current = await db.execute<RecordRow>(sql`
    select k.category, k.state, k.source, k.source_detail, e.reason, k.at, k.actor_type, k.actor_id
    from consents k join consent_events e on e.id = k.event_id
    where k.contact_id = ${contactId} order by k.category`);
  const history = await db.execute<RecordRow>(sql`
    select category, state, source, source_detail, reason, at, actor_type, actor_id
    from consent_events where contact_id = ${contactId} order by at desc, id desc limit 100`);
  const [contact] = await db.execute<{ marketing_preference: string | null }>(
    sql`select marketing_preference from contacts where id = ${contactId}`,
  );
  return {
    current: current.map(toDto),
    history: history.map(toDto),
    meta: contact?.marketing_preference ?? null,
  };
}

type RecordRow = {
  category: string;
  state: ConsentStateName;
  source: ConsentSourceName;
  source_detail: string | null;
  reason: string | null;
  at: string | Date;
  actor_type: string;
  actor_id: string | null;
};

function toDto(row: RecordRow): ConsentRecordDto {
  return {
    category: row.category,
    state: row.state,
    source: row.source,
    source_detail: row.source_detail,
    reason: row.reason,
    at: new Date(row.at).toISOString(),
    actor: { type: row.actor_type, id: row.actor_id },
  };
}

/** A uuid[] parameter as an array literal (the ids are uuids from our own rows, never free text). */
export function uuidArray(ids: string[]): string {
  return `{${ids.join(",")}}`;
}
