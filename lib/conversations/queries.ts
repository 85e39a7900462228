import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { contacts, conversations, media, messages, phoneNumbers } from "@/lib/db/schema";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { decodeCursor, encodeCursor } from "@/lib/utils/cursor";
import type { ConversationSummary, MessageDto, MessageMedia, Page } from "./schemas";

/** Row-level scope (DESIGN.md "Roles"): admins all; others their teams and their own; supervisors also teamless. */
export function conversationScope(actor: Actor): SQL | undefined {
  if (actor.type === "system" || actor.role === "admin") return undefined;
  const clauses: (SQL | undefined)[] = [eq(conversations.assigneeId, actor.id)];
  if (actor.teamIds.length > 0) clauses.push(inArray(conversations.teamId, actor.teamIds));
  if (actor.role === "supervisor") clauses.push(isNull(conversations.teamId));
  return or(...clauses);
}

export async function selectConversations(
  db: DbOrTx,
  params: {
    actor: Actor;
    view: "all" | "mine" | "unassigned";
    status?: string;
    cursor?: string;
    limit: number;
  },
): Promise<Page<ConversationSummary>> {
  const { actor } = params;
  const filters: (SQL | undefined)[] = [conversationScope(actor)];
  if (params.view === "mine" && actor.type === "user") filters.push(eq(conversations.assigneeId, actor.id));
  if (params.view === "unassigned") filters.push(isNull(conversations.assigneeId));
  if (params.status) filters.push(sql`${conversations.status} = ${params.status}`);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (cursor) {
    // Keyset pagination on (last_message_at desc nulls last, id desc): stable while new messages arrive.
    const at = cursor.at ? new Date(cursor.at).toISOString() : null;
    filters.push(
      at
        ? sql`(${conversations.lastMessageAt} < ${at}::timestamptz or (${conversations.lastMessageAt} = ${at}::timestamptz and ${conversations.id} < ${cursor.id}) or ${conversations.lastMessageAt} is null)`
        : sql`(${conversations.lastMessageAt} is null and ${conversations.id} < ${cursor.id})`,
    );
  }
  const rows = await db
    .select({ c: conversations, contact: contacts, number: phoneNumbers })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .where(and(...filters))
    .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, desc(conversations.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit).map(toSummary);
  const last = rows.length > params.limit ? page[page.length - 1] : undefined;
  return { data: page, next_cursor: last ? encodeCursor({ at: last.last_message_at, id: last.id }) : null };
}

export async function selectConversation(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ c: conversations, contact: contacts, number: phoneNumbers })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, conversations.phoneNumberId))
    .where(eq(conversations.id, id))
    .limit(1);
  return row ? toSummary(row) : undefined;
}

export async function selectMessages(
  db: DbOrTx,
  params: { conversationId: string; cursor?: string; limit: number },
): Promise<Page<MessageDto>> {
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  const filters: (SQL | undefined)[] = [eq(messages.conversationId, params.conversationId)];
  if (cursor?.at) {
    const at = new Date(cursor.at);
    filters.push(or(lt(messages.timestamp, at), and(eq(messages.timestamp, at), lt(messages.id, cursor.id))));
  }
  // Newest first from the index, then reversed so a page reads top to bottom.
  const rows = await db
    .select()
    .from(messages)
    .where(and(...filters))
    .orderBy(desc(messages.timestamp), desc(messages.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const oldest = rows.length > params.limit ? page[page.length - 1] : undefined;
  // One query for the page's media, not one per message.
  const mediaRows =
    page.length > 0
      ? await db
          .select()
          .from(media)
          .where(
            inArray(
              media.messageId,
              page.map((m) => m.id),
            ),
          )
      : [];
  const mediaByMessage = new Map(mediaRows.map((row) => [row.messageId, toMessageMedia(row)]));
  return {
    data: page.reverse().map((m) => toMessageDto(m, mediaByMessage.get(m.id))),
    next_cursor: oldest ? encodeCursor({ at: oldest.timestamp.toISOString(), id: oldest.id }) : null,
  };
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
  c: typeof conversations.$inferSelect;
  contact: typeof contacts.$inferSelect;
  number: typeof phoneNumbers.$inferSelect;
};

function toSummary({ c, contact, number }: Joined): ConversationSummary {
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
