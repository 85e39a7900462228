import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import {
  contacts,
  contactSearchText,
  conversations,
  media,
  messages,
  phoneNumbers,
  users,
} from "@/lib/db/schema";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { decodeCursor, encodeCursor, type Cursor } from "@/lib/utils/cursor";
import type {
  ConversationCounts,
  ConversationSummary,
  listConversationsInput,
  MessageDto,
  MessageMedia,
  Page,
} from "./schemas";
import { containsPattern } from "@/lib/utils/ids";

/** Row-level scope (DESIGN.md "Roles"): admins all; others their teams and their own; supervisors also teamless. */
export function conversationScope(actor: Actor): SQL | undefined {
  if (actor.type === "system" || actor.role === "admin") return undefined;
  const clauses: (SQL | undefined)[] = [eq(conversations.assigneeId, actor.id)];
  if (actor.teamIds.length > 0) clauses.push(inArray(conversations.teamId, actor.teamIds));
  if (actor.role === "supervisor") clauses.push(isNull(conversations.teamId));
  return or(...clauses);
}

export type ConversationFilters = Omit<ListConversationsParams, "cursor" | "limit" | "sort">;
type ListConversationsParams = z.output<typeof listConversationsInput>;

/** The WHERE clauses of a list view: scope first, then the view and each filter. */
export function conversationFilters(actor: Actor, params: ConversationFilters): (SQL | undefined)[] {
  const filters: (SQL | undefined)[] = [conversationScope(actor)];
  const me = actor.type === "user" ? actor.id : null;
  if (params.view === "mine") filters.push(me ? eq(conversations.assigneeId, me) : sql`false`);
  if (params.view === "unassigned") filters.push(isNull(conversations.assigneeId));
  if (params.view === "bot" || params.view === "snoozed" || params.view === "resolved")
    filters.push(sql`${conversations.status} = ${params.view}`);
  if (params.status) filters.push(sql`${conversations.status} = ${params.status}`);
  if (params.team) filters.push(eq(conversations.teamId, params.team));
  if (params.assignee === "none") filters.push(isNull(conversations.assigneeId));
  else if (params.assignee) filters.push(eq(conversations.assigneeId, params.assignee));
  if (params.number) filters.push(eq(conversations.phoneNumberId, params.number));
  if (params.priority) filters.push(sql`${conversations.priority} = ${params.priority}`);
  if (params.unread === "true") filters.push(sql`${conversations.unreadCount} > 0`);
  if (params.unread === "false") filters.push(sql`${conversations.unreadCount} = 0`);
  if (params.label)
    filters.push(sql`exists (select 1 from conversation_labels cl
      where cl.conversation_id = ${conversations.id} and cl.label_id = ${params.label})`);
  if (params.q) filters.push(searchFilter(params.q));
  return filters;
}

/** A contact whose name, phone, username or BSUID contains the text, or a message with those words. */
function searchFilter(q: string): SQL {
  const like = containsPattern(q.toLowerCase());
  return sql`(${contactSearchText(contacts)} like ${like}
    or exists (select 1 from messages m where m.conversation_id = ${conversations.id}
      and to_tsvector('simple', coalesce(m.text, '')) @@ websearch_to_tsquery('simple', ${q})))`;
}

/**
 * Only what a summary shows: mapping whole rows made a list page ~1.7× as costly in the process (BENCHMARKS.md
 * T7 at 100k conversations), and fetched contacts' attributes and the number's sealed token for nothing.
 */
const summaryColumns = {
  c: {
    id: conversations.id,
    status: conversations.status,
    teamId: conversations.teamId,
    assigneeId: conversations.assigneeId,
    lastMessageAt: conversations.lastMessageAt,
    lastMessagePreview: conversations.lastMessagePreview,
    unreadCount: conversations.unreadCount,
    windowExpiresAt: conversations.windowExpiresAt,
    priority: conversations.priority,
    snoozedUntil: conversations.snoozedUntil,
    waitingSince: conversations.waitingSince,
    resolvedAt: conversations.resolvedAt,
    firstResponseDueAt: conversations.firstResponseDueAt,
    nextResponseDueAt: conversations.nextResponseDueAt,
    resolutionDueAt: conversations.resolutionDueAt,
    slaBreachedAt: conversations.slaBreachedAt,
  },
  contact: {
    id: contacts.id,
    addressBookName: contacts.addressBookName,
    profileName: contacts.profileName,
    username: contacts.username,
    phone: contacts.phone,
    bsuid: contacts.bsuid,
  },
  number: { id: phoneNumbers.id, displayNumber: phoneNumbers.displayNumber },
  assigneeName: users.name,
};

const waitingKey = sql`date_trunc('milliseconds', ${conversations.waitingSince})`;

export async function selectConversations(
  db: DbOrTx,
  params: { actor: Actor } & ListConversationsParams,
): Promise<Page<ConversationSummary>> {
  const { actor } = params;
  const filters = conversationFilters(actor, params);
  const waiting = params.sort === "waiting";
  if (waiting) filters.push(sql`${conversations.waitingSince} is not null`);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (cursor && waiting && cursor.at) {
    // Keyset on (waiting_since asc, id asc): the longest-waiting customer first. Compared at millisecond
    // precision, as the cursor carries it, so the last row of a page never comes back on the next.
    filters.push(sql`(${waitingKey}, ${conversations.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  } else if (cursor && !waiting) {
    // Keyset pagination on (last_message_at desc nulls last, id desc): stable while new messages arrive.
    const at = cursor.at ? new Date(cursor.at).toISOString() : null;
    filters.push(
      at
        ? sql`(${conversations.lastMessageAt} < ${at}::timestamptz or (${conversations.lastMessageAt} = ${at}::timestamptz and ${conversations.id} < ${cursor.id}) or ${conversations.lastMessageAt} is null)`
        : sql`(${conversations.lastMessageAt} is null and ${conversations.id} < ${cursor.id})`,
    );
  }
  const rows = await db
    .select(summaryColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(and(...filters))
    .orderBy(
      ...(waiting
        ? [asc(waitingKey), asc(conversations.id)]
        : [sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id)]),
    )
    .limit(params.limit + 1);
  const page = await withLabels(db, rows.slice(0, params.limit));
  const last = rows.length > params.limit ? page[page.length - 1] : undefined;
  const key = (row: ConversationSummary) => (waiting ? row.waiting_since : row.last_message_at);
  return { data: page, next_cursor: last ? encodeCursor({ at: key(last), id: last.id }) : null };
}

/** Open counts for the inbox's views and teams, in one pass over what the actor may see. */
export async function countConversations(db: DbOrTx, actor: Actor): Promise<ConversationCounts> {
  const me = actor.type === "user" ? actor.id : null;
  const scope = conversationScope(actor);
  const [row] = await db.execute<{
    mine: number;
    unassigned: number;
    all: number;
    bot: number;
    snoozed: number;
  }>(sql`
    select
      count(*) filter (where status = 'open' and assignee_id = ${me})::int as mine,
      count(*) filter (where status = 'open' and assignee_id is null)::int as unassigned,
      count(*) filter (where status = 'open')::int as all,
      count(*) filter (where status = 'bot')::int as bot,
      count(*) filter (where status = 'snoozed')::int as snoozed
    from conversations where status <> 'resolved' ${scope ? sql`and ${scope}` : sql``}`);
  const teams = await db.execute<{ team_id: string; n: number }>(sql`
    select team_id, count(*)::int as n from conversations
    where status = 'open' and team_id is not null ${scope ? sql`and ${scope}` : sql``}
    group by team_id`);
  return {
    mine: row?.mine ?? 0,
    unassigned: row?.unassigned ?? 0,
    all: row?.all ?? 0,
    bot: row?.bot ?? 0,
    snoozed: row?.snoozed ?? 0,
    teams: Object.fromEntries(teams.map((t) => [t.team_id, t.n])),
  };
}

/** One query for the page's labels, not one per row. */
async function withLabels(db: DbOrTx, rows: Joined[]): Promise<ConversationSummary[]> {
  const ids = rows.map((r) => r.c.id);
  const labelRows =
    ids.length > 0
      ? await db.execute<{ conversation_id: string; id: string; name: string; color: string }>(sql`
          select cl.conversation_id, l.id, l.name, l.color from conversation_labels cl
          join labels l on l.id = cl.label_id
          where cl.conversation_id = any(${`{${ids.join(",")}}`}::uuid[]) order by lower(l.name)`)
      : [];
  const byConversation = new Map<string, ConversationSummary["labels"]>();
  for (const l of labelRows) {
    const list = byConversation.get(l.conversation_id) ?? [];
    list.push({ id: l.id, name: l.name, color: l.color });
    byConversation.set(l.conversation_id, list);
  }
  return rows.map((row) => ({ ...toSummary(row), labels: byConversation.get(row.c.id) ?? [] }));
}

/** Who may see a conversation: its team and assignee, nothing else. */
export async function selectConversationScope(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ teamId: conversations.teamId, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(eq(conversations.id, id))
    .limit(1);
  return row;
}

export async function selectConversation(db: DbOrTx, id: string) {
  const rows = await db
    .select(summaryColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(eq(conversations.id, id))
    .limit(1);
  const [summary] = await withLabels(db, rows);
  return summary;
}

/**
 * One page of a thread, newest first, in the order of messages_conversation_ts_arrival_idx (timestamp desc,
 * arrival desc): Meta's timestamps are whole seconds, so arrival keeps a burst in the order it came. Even a
 * page deep in a 50k-message thread is an index range scan with no sort, bounded by the cursor's key.
 */
export function messagePageQuery(
  db: DbOrTx,
  params: { conversationId: string; cursor?: string; limit: number },
) {
  const cursor = params.cursor ? decodeMessageCursor(params.cursor) : undefined;
  const filters: (SQL | undefined)[] = [eq(messages.conversationId, params.conversationId)];
  if (cursor?.at) {
    const at = new Date(cursor.at).toISOString();
    // A cursor issued before arrival existed names only its message: its arrival is looked up.
    const arrival =
      cursor.arrival ??
      sql`(select ${messages.arrival} from ${messages} where ${messages.id} = ${cursor.id}::uuid)`;
    filters.push(sql`(${messages.timestamp}, ${messages.arrival}) < (${at}::timestamptz, ${arrival})`);
  }
  return db
    .select()
    .from(messages)
    .where(and(...filters))
    .orderBy(desc(messages.timestamp), desc(messages.arrival))
    .limit(params.limit + 1);
}

/**
 * The shared cursor shape (at, id: what list-messages validates) plus the oldest row's arrival, the
 * keyset's tie-break.
 */
function encodeMessageCursor(m: typeof messages.$inferSelect): string {
  const key: Cursor & { arrival: number } = { at: m.timestamp.toISOString(), id: m.id, arrival: m.arrival };
  return encodeCursor(key);
}

function decodeMessageCursor(value: string): (Cursor & { arrival?: number }) | undefined {
  const cursor = decodeCursor(value);
  if (!cursor) return undefined;
  const { arrival } = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { arrival?: unknown };
  return typeof arrival === "number" && Number.isSafeInteger(arrival) ? { ...cursor, arrival } : cursor;
}

/** What a thread read asks for: a page (cursor), what follows a message (after), or named messages (ids). */
export type ThreadRead =
  | { kind: "page"; conversationId: string; cursor?: string; limit: number }
  | { kind: "after"; conversationId: string; after: string; limit: number }
  | { kind: "ids"; conversationId: string; ids: string[] };

/**
 * A page of a thread, a catch-up after a message, or named messages: with the conversation's scope and
 * the messages' media in the same statement, one round trip in all (the live catch-up, BENCHMARKS.md T4).
 * The conversation row drives it, so an empty thread or a missing anchor still reads its scope; undefined
 * when there is no such conversation. Rows come in the read's own order; the caller checks the scope.
 */
export async function selectThreadMessages(db: DbOrTx, read: ThreadRead) {
  const thread =
    read.kind === "page"
      ? messagePageQuery(db, read).as("thread_page")
      : read.kind === "after"
        ? messagesAfterQuery(db, read).as("thread_page")
        : messagesByIdsQuery(db, read).as("thread_page");
  const fields = thread._.selectedFields;
  const order =
    read.kind === "page"
      ? [desc(fields.timestamp), desc(fields.arrival)]
      : [asc(fields.timestamp), asc(fields.arrival)];
  const rows = await db
    .select({
      teamId: conversations.teamId,
      assigneeId: conversations.assigneeId,
      // Only a catch-up asks: is its anchor a message of this conversation (a 422 when not)?
      anchored:
        read.kind === "after"
          ? sql<boolean>`exists (select 1 from messages a
              where a.id = ${read.after}::uuid and a.conversation_id = ${conversations.id})`
          : sql<boolean>`true`,
      message: fields,
      media,
    })
    .from(conversations)
    // The page keeps its own index order and limit inside the subquery; joined to one conversation row.
    .leftJoin(thread, sql`true`)
    .leftJoin(media, eq(media.messageId, fields.id))
    .where(eq(conversations.id, read.conversationId))
    .orderBy(...order);
  const [first] = rows;
  if (!first) return undefined;
  const dtos = rows.flatMap((r) =>
    r.message
      ? [{ row: r.message, dto: toMessageDto(r.message, r.media ? toMessageMedia(r.media) : undefined) }]
      : [],
  );
  return {
    scope: { teamId: first.teamId, assigneeId: first.assigneeId },
    anchored: first.anchored,
    page: toPage(read, dtos),
  };
}

/** The messages and next cursor of a read, from its rows (a page: newest first, one beyond the limit). */
function toPage(
  read: ThreadRead,
  rows: { row: typeof messages.$inferSelect; dto: MessageDto }[],
): Page<MessageDto> {
  if (read.kind === "ids") return { data: rows.map((r) => r.dto), next_cursor: null };
  const page = rows.slice(0, read.limit);
  const more = rows.length > read.limit;
  if (read.kind === "after")
    return { data: page.map((r) => r.dto), next_cursor: more ? page[page.length - 1]!.dto.id : null };
  // Newest first from the index, then reversed so a page reads top to bottom.
  const oldest = more ? page[page.length - 1] : undefined;
  return {
    data: page.reverse().map((r) => r.dto),
    next_cursor: oldest ? encodeMessageCursor(oldest.row) : null,
  };
}

/**
 * The rows of a catch-up: what an open thread that holds everything up to message `after` is missing, the
 * messages after it in thread order (timestamp, arrival), oldest first, at most `limit` (+1 to tell whether
 * more remain). The anchor's key is read in SQL, not sent back in a cursor, so its microseconds survive;
 * `next_cursor` is then the id to pass as the next `after`. No rows when `after` is not a message of this
 * conversation.
 */
export function messagesAfterQuery(
  db: DbOrTx,
  params: { conversationId: string; after: string; limit: number },
) {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, params.conversationId),
        sql`(${messages.timestamp}, ${messages.arrival}) > (select m.timestamp, m.arrival from messages m
          where m.id = ${params.after}::uuid and m.conversation_id = ${params.conversationId}::uuid)`,
      ),
    )
    .orderBy(asc(messages.timestamp), asc(messages.arrival))
    .limit(params.limit + 1);
}

/**
 * The messages of a conversation with these ids, in thread order (what a live client re-reads when an event
 * names rows that changed). Ids of no message of this conversation are simply absent. Never a next page.
 */
function messagesByIdsQuery(db: DbOrTx, params: { conversationId: string; ids: string[] }) {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, params.conversationId), inArray(messages.id, params.ids)))
    .orderBy(asc(messages.timestamp), asc(messages.arrival));
}

/** One message as the API returns it (after a send, or to re-read it). */
export async function selectMessageDto(db: DbOrTx, id: string): Promise<MessageDto | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
  if (!row) return undefined;
  const [mediaRow] = await db.select().from(media).where(eq(media.messageId, id)).limit(1);
  return toMessageDto(row, mediaRow ? toMessageMedia(mediaRow) : undefined);
}

export async function markConversationRead(db: DbOrTx, id: string): Promise<number> {
  const [row] = await db
    .update(conversations)
    .set({ unreadCount: 0, seq: sql`${conversations.seq} + 1` })
    .where(eq(conversations.id, id))
    .returning({ seq: conversations.seq });
  return row?.seq ?? 0;
}

type Joined = {
  c: Pick<typeof conversations.$inferSelect, keyof typeof summaryColumns.c>;
  contact: Pick<typeof contacts.$inferSelect, keyof typeof summaryColumns.contact>;
  number: Pick<typeof phoneNumbers.$inferSelect, keyof typeof summaryColumns.number>;
  assigneeName: string | null;
};

function toSummary({ c, contact, number, assigneeName }: Joined): ConversationSummary {
  return {
    id: c.id,
    status: c.status,
    contact: {
      id: contact.id,
      // Address-book names (contact sync) win over the untrusted profile name (DESIGN.md "Identity").
      name:
        contact.addressBookName ??
        contact.profileName ??
        contact.username ??
        contact.phone ??
        contact.bsuid ??
        "Unknown",
      phone: contact.phone,
      username: contact.username,
      bsuid: contact.bsuid,
    },
    number: { id: number.id, display_number: number.displayNumber },
    team_id: c.teamId,
    assignee_id: c.assigneeId,
    last_message_at: c.lastMessageAt?.toISOString() ?? null,
    last_message_preview: c.lastMessagePreview,
    unread_count: c.unreadCount,
    window_expires_at: c.windowExpiresAt?.toISOString() ?? null,
    priority: c.priority,
    snoozed_until: c.snoozedUntil?.toISOString() ?? null,
    waiting_since: c.waitingSince?.toISOString() ?? null,
    resolved_at: c.resolvedAt?.toISOString() ?? null,
    assignee_name: assigneeName,
    labels: [],
    sla: {
      first_response_due_at: c.firstResponseDueAt?.toISOString() ?? null,
      next_response_due_at: c.nextResponseDueAt?.toISOString() ?? null,
      resolution_due_at: c.resolutionDueAt?.toISOString() ?? null,
      breached_at: c.slaBreachedAt?.toISOString() ?? null,
    },
  };
}

function toMessageDto(m: typeof messages.$inferSelect, mediaDto?: MessageMedia): MessageDto {
  return {
    id: m.id,
    wamid: m.wamid,
    conversation_id: m.conversationId,
    direction: m.direction,
    source: m.source,
    type: m.type,
    text: m.text,
    content: m.content,
    timestamp: m.timestamp.toISOString(),
    status: m.status,
    error: errorDto(m.error),
    author: m.authorId,
    edited: m.editedAt !== null,
    revoked: m.revokedAt !== null,
    reply_to: m.replyToWamid,
    ...(mediaDto ? { media: mediaDto } : {}),
  };
}

/**
 * Whatever failed the message (our send worker's mapped error, or Meta's error object from a failed status)
 * is shown through one mapping, so the stored status and what agents read always agree.
 */
function errorDto(stored: unknown): MessageDto["error"] {
  if (!stored || typeof stored !== "object") return null;
  const code = (stored as { code?: unknown }).code;
  // Our own reasons (a withdrawn campaign message) have word codes and carry their own explanation.
  if (typeof code === "string" && !/^\d+$/.test(code)) {
    const own = stored as { title?: unknown; hint?: unknown };
    return {
      code,
      title: String(own.title ?? ""),
      hint: String(own.hint ?? ""),
      retryable: false,
      action: "none",
    };
  }
  const info = describeSendError(typeof code === "number" ? code : Number(code) || null);
  return {
    code: String(code ?? info.code),
    title: info.title,
    hint: info.hint,
    retryable: info.retryable,
    action: info.action,
  };
}

function toMessageMedia(row: typeof media.$inferSelect): MessageMedia {
  return {
    id: row.id,
    state: row.state,
    mime_type: row.mimeType,
    size: row.fileSize,
    filename: row.filename,
    error: row.error,
    url: `/api/v1/media/${row.id}`,
  };
}
