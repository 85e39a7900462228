import { sql, type SQL } from "drizzle-orm";
import { attributeFilterSql, type TypedAttributeFilter } from "@/lib/contacts";
import type { DbOrTx } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import type {
  CampaignDto,
  CampaignProgress,
  CampaignSegment,
  CampaignState,
  RecipientState,
} from "./schemas";

export type CampaignRow = {
  id: string;
  name: string;
  state: CampaignState;
  phone_number_id: string;
  display_number: string;
  waba_id: string;
  template_id: string;
  template_name: string | null;
  template_language: string | null;
  template_category: string | null;
  variables: Record<string, string>;
  header: Record<string, unknown> | null;
  buttons: Record<string, unknown>[] | null;
  segment: CampaignSegment;
  scheduled_at: string | null;
  started_at: string | null;
  paused_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  expanded_at: string | null;
  counts: Record<string, number>;
  created_by: string | null;
  created_at: string;
  updated_at: string;
};

const campaignColumns = sql`
  k.id, k.name, k.state, k.phone_number_id, n.display_number, n.waba_id, k.template_id,
  t.name as template_name, t.language as template_language, t.category as template_category,
  k.variables, k.header, k.buttons, k.segment, k.scheduled_at, k.started_at, k.paused_at, k.completed_at,
  k.cancelled_at, k.expanded_at, k.counts, k.created_by, k.created_at, k.updated_at`;

export async function selectCampaign(db: DbOrTx, id: string): Promise<CampaignRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.execute<CampaignRow>(sql`
    select ${campaignColumns}
    from campaigns k join phone_numbers n on n.id = k.phone_number_id join templates t on t.id = k.template_id
    where k.id = ${id}`);
  return row;
}

export async function selectCampaignOrThrow(db: DbOrTx, id: string): Promise<CampaignRow> {
  const row = await selectCampaign(db, id);
  if (!row) throw new NotFoundError("Campaign");
  return row;
}

/** Newest first, keyset on (created_at, id). */
export async function selectCampaigns(
  db: DbOrTx,
  params: { state?: CampaignState; cursor?: { at: string; id: string }; limit: number },
): Promise<CampaignRow[]> {
  const filters: SQL[] = [sql`true`];
  if (params.state) filters.push(sql`k.state = ${params.state}::campaign_state`);
  if (params.cursor)
    filters.push(sql`(k.created_at, k.id) < (${params.cursor.at}::timestamptz, ${params.cursor.id}::uuid)`);
  return db.execute<CampaignRow>(sql`
    select ${campaignColumns}
    from campaigns k join phone_numbers n on n.id = k.phone_number_id join templates t on t.id = k.template_id
    where ${sql.join(filters, sql` and `)}
    order by k.created_at desc, k.id desc
    limit ${params.limit + 1}`);
}

export type Candidate = {
  contact_id: string;
  phone: string | null;
  bsuid: string | null;
  username: string | null;
  profile_name: string | null;
  address_book_name: string | null;
  conversation_id: string | null;
  window_expires_at: string | null;
};

/**
 * One page of the segment's contacts (keyset on contact id), with their conversation on the campaign's
 * number if they have one. Contacts belong to the number's WABA: BSUIDs are scoped to it (PROTOCOL.md §4.1).
 * The attribute conditions (checked by checkAttributeFilters) are part of the WHERE, so a page holds only
 * matching contacts and a short page is the end of the segment.
 */
export async function selectSegmentPage(
  db: DbOrTx,
  params: {
    numberId: string;
    wabaId: string;
    segment: CampaignSegment;
    attributes: readonly TypedAttributeFilter[];
    after?: string;
    limit: number;
  },
): Promise<Candidate[]> {
  const { segment } = params;
  const filters: SQL[] = [sql`ct.waba_id = ${params.wabaId}`];
  if (segment.source === "team") filters.push(sql`c.team_id = ${segment.team_id ?? null}`);
  if (segment.source === "label")
    filters.push(sql`exists (select 1 from conversation_labels cl
                             where cl.conversation_id = c.id and cl.label_id = ${segment.label_id ?? null})`);
  if (segment.exclude_label_id)
    filters.push(sql`not exists (select 1 from conversation_labels cl
                                 where cl.conversation_id = c.id and cl.label_id = ${segment.exclude_label_id})`);
  if (segment.source === "contacts")
    filters.push(sql`ct.id = any(${uuidArray(segment.contact_ids ?? [])}::uuid[])`);
  if (segment.last_inbound_within_days)
    filters.push(
      sql`c.last_inbound_at >= now() - make_interval(days => ${segment.last_inbound_within_days})`,
    );
  if (segment.has_phone) filters.push(sql`ct.phone is not null`);
  filters.push(...attributeFilterSql(sql`ct.attributes`, params.attributes));
  if (params.after) filters.push(sql`ct.id > ${params.after}`);
  // Listed contacts may have no conversation on this number yet (the campaign creates it).
  const join = segment.source === "contacts" ? sql`left join` : sql`join`;
  return db.execute<Candidate>(sql`
    select ct.id as contact_id, ct.phone, coalesce(ct.bsuid, ct.parent_bsuid) as bsuid, ct.username,
           ct.profile_name, ct.address_book_name, c.id as conversation_id, c.window_expires_at
    from contacts ct
    ${join} conversations c on c.contact_id = ct.id and c.phone_number_id = ${params.numberId}
    where ${sql.join(filters, sql` and `)}
    order by ct.id
    limit ${params.limit}`);
}

/**
 * A recipient's state from its message (DESIGN.md: progress follows the message's receipts): "replied"
 * when the customer wrote in that conversation after the send; played counts as read. Meta's timestamps
 * are whole seconds, so "after" is: received after we queued it, and not stamped before that second.
 */
const effectiveState = sql`
  case
    when r.message_id is null then r.state::text
    when exists (select 1 from messages x where x.conversation_id = m.conversation_id and x.direction = 'inbound'
                 and x.source = 'customer' and x.timestamp >= date_trunc('second', m.timestamp)
                 and x.created_at > m.created_at) then 'replied'
    when m.status = 'played' then 'read'
    else coalesce(m.status::text, 'queued')
  end`;

/** Live counts per campaign, straight from recipients joined to their messages. */
export async function selectProgress(
  db: DbOrTx,
  campaignIds: string[],
): Promise<Map<string, CampaignProgress>> {
  const result = new Map<string, CampaignProgress>();
  for (const id of campaignIds) result.set(id, emptyProgress());
  if (campaignIds.length === 0) return result;
  const rows = await db.execute<{
    campaign_id: string;
    state: RecipientState;
    skip_reason: string | null;
    n: number;
  }>(
    sql`
    select r.campaign_id, ${effectiveState} as state, r.skip_reason, count(*)::int as n
    from campaign_recipients r left join messages m on m.id = r.message_id
    where r.campaign_id = any(${uuidArray(campaignIds)}::uuid[])
    group by 1, 2, 3`,
  );
  for (const row of rows) {
    const progress = result.get(row.campaign_id);
    if (!progress) continue;
    progress.total += row.n;
    progress[row.state] += row.n;
    if (row.state === "skipped") {
      const reason = row.skip_reason ?? "unknown";
      progress.skipped_by_reason[reason] = (progress.skipped_by_reason[reason] ?? 0) + row.n;
    }
  }
  return result;
}

/**
 * Writes each recipient's current state onto its row (the table stays a readable record after the
 * messages age out) and returns the recipients that just turned failed.
 */
export async function persistRecipientStates(
  db: DbOrTx,
  campaignId: string,
): Promise<{ contact_id: string; message_id: string; state: RecipientState }[]> {
  return db.execute<{ contact_id: string; message_id: string; state: RecipientState }>(sql`
    update campaign_recipients r set state = s.state::campaign_recipient_state, updated_at = now()
    from (
      select r.contact_id, ${effectiveState} as state
      from campaign_recipients r join messages m on m.id = r.message_id
      where r.campaign_id = ${campaignId}
    ) s
    where r.campaign_id = ${campaignId} and r.contact_id = s.contact_id and r.state::text <> s.state
    returning r.contact_id, r.message_id, s.state`);
}

export function emptyProgress(): CampaignProgress {
  return {
    total: 0,
    pending: 0,
    queued: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    failed: 0,
    skipped: 0,
    skipped_by_reason: {},
  };
}

export function toCampaignDto(row: CampaignRow, progress: CampaignProgress): CampaignDto {
  const iso = (value: string | null) => (value ? new Date(value).toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    number: { id: row.phone_number_id, display_number: row.display_number },
    template: {
      id: row.template_id,
      name: row.template_name,
      language: row.template_language,
      category: row.template_category,
    },
    variables: row.variables,
    header: row.header,
    buttons: row.buttons,
    segment: row.segment,
    scheduled_at: iso(row.scheduled_at),
    started_at: iso(row.started_at),
    paused_at: iso(row.paused_at),
    completed_at: iso(row.completed_at),
    cancelled_at: iso(row.cancelled_at),
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    progress,
  };
}

/** A uuid[] parameter as an array literal (ids validated as uuids before they get here). */
export function uuidArray(ids: string[]): string {
  return `{${ids.join(",")}}`;
}

/** The campaign's messages that are in the send queue but not sent yet (pause recalls, cancel withdraws). */
export async function queuedMessageIds(db: DbOrTx, campaignId: string): Promise<string[]> {
  const rows = await db.execute<{ message_id: string }>(sql`
    select r.message_id from campaign_recipients r join messages m on m.id = r.message_id
    where r.campaign_id = ${campaignId} and r.message_id is not null and m.wamid is null and m.status = 'queued'`);
  return rows.map((r) => r.message_id);
}
