import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { addTimelineEvent, touchConversation, type ConversationTouch } from "@/lib/conversations";
import { conversationScope } from "@/lib/conversations/queries";
import { contacts, contactSearchText, conversations as conversationsTable } from "@/lib/db/schema";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { decodeCursor, encodeCursor } from "@/lib/utils/cursor";
import { attributeFilterSql, checkAttributeFilters } from "./attributes";
import { mergeContacts } from "./change-identity";
import type { ContactRow } from "./resolve-contact";
import { containsPattern, isUuid } from "@/lib/utils/ids";

/** A contact as the API returns it (DESIGN.md Contracts): address-book name first. */
export type ContactDto = {
  id: string;
  bsuid: string | null;
  parent_bsuid: string | null;
  phone: string | null;
  username: string | null;
  name: string;
  address_book_name: string | null;
  profile_name: string | null;
  aliases: { kind: string; value: string; reason: string | null }[];
  legal_hold: boolean;
  // Custom attribute values by definition key, archived definitions' included (the panel shows active ones).
  attributes: Record<string, unknown>;
  created_at: string;
};

export type ContactDetail = ContactDto & {
  conversations: {
    id: string;
    number: string;
    status: string;
    last_message_at: string | null;
    team_id: string | null;
  }[];
};

export const listContactsInput = z
  .object({
    q: z.string().trim().max(200).optional(),
    cursor: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/**
 * Contacts with at least one conversation the actor may see, newest first; `q` matches like search;
 * `attr.<key>=<value>` keeps those whose attribute equals the value (typed by its definition; all must hold).
 */
export async function listContacts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof listContactsInput> & { [attr: `attr.${string}`]: string };
}) {
  assertCan(ctx.actor, "conversations:read");
  const rest: Record<string, unknown> = {};
  const equals: { key: string; op: "eq"; value: string }[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (name.startsWith("attr.")) equals.push({ key: name.slice(5), op: "eq", value: String(value) });
    else rest[name] = value;
  }
  const params = listContactsInput.parse(rest);
  const filters = await checkAttributeFilters(dbOf(ctx), equals, {
    from: "text",
    field: (i) => `attr.${equals[i]!.key}`,
  });
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const scope = conversationScope(ctx.actor);
  const like = params.q ? containsPattern(params.q.toLowerCase()) : null;
  const rows = await dbOf(ctx).execute<Row>(sql`
    select contacts.* from ${contacts}
    where exists (select 1 from ${conversationsTable} where ${conversationsTable.contactId} = contacts.id ${scope ? sql`and ${scope}` : sql``})
      ${like ? sql`and ${contactSearchText(contacts)} like ${like}` : sql``}
      ${sql.join(
        attributeFilterSql(sql`contacts.attributes`, filters).map((f) => sql`and ${f}`),
        sql` `,
      )}
      ${cursor?.at ? sql`and (contacts.created_at, contacts.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
    order by contacts.created_at desc, contacts.id desc
    limit ${params.limit + 1}`);
  const page = rows.slice(0, params.limit);
  const dtos = await withAliases(ctx, page);
  const last = rows.length > params.limit ? dtos.at(-1) : undefined;
  return { data: dtos, next_cursor: last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
}

/** One contact with aliases and the conversations the actor may see (other teams' look missing). */
export async function getContact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<ContactDetail> {
  assertCan(ctx.actor, "conversations:read");
  if (!isUuid(input.id)) throw new NotFoundError("Contact");
  const scope = conversationScope(ctx.actor);
  const db = dbOf(ctx);
  const threads = await db.execute<ContactDetail["conversations"][number]>(sql`
    select ${conversationsTable.id} as id, n.display_number as number, ${conversationsTable.status} as status,
      ${conversationsTable.lastMessageAt} as last_message_at, ${conversationsTable.teamId} as team_id
    from ${conversationsTable} join phone_numbers n on n.id = ${conversationsTable.phoneNumberId}
    where ${conversationsTable.contactId} = ${input.id} ${scope ? sql`and ${scope}` : sql``}
    order by ${conversationsTable.lastMessageAt} desc nulls last`);
  if (threads.length === 0) throw new NotFoundError("Contact");
  const [row] = await db.execute<Row>(sql`select * from contacts where id = ${input.id}`);
  if (!row) throw new NotFoundError("Contact");
  const [dto] = await withAliases(ctx, [row]);
  return {
    ...dto!,
    conversations: threads.map((t) => ({
      ...t,
      last_message_at: t.last_message_at ? new Date(t.last_message_at).toISOString() : null,
    })),
  };
}

export const mergeContactsInput = z.object({ into: z.uuid() }).strict();

/**
 * An admin merges two contacts that are the same person (e.g. a customer who wrote from two phones before
 * Meta linked them): everything of `id` moves into `into`, conversations on the same number join, and the
 * merged ids stay as aliases. Same WABA only; audited; a timeline row on each affected thread.
 */
export async function mergeContactsByHand({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<typeof mergeContactsInput>;
}) {
  assertCan(ctx.actor, "contacts:manage");
  const { into } = mergeContactsInput.parse({ into: input.into });
  if (!isUuid(input.id)) throw new NotFoundError("Contact");
  if (input.id === into) throw new ValidationError("into must be another contact", { field: "into" });
  const touches = await withTransaction(ctx, async (tx) => {
    const rows = await tx.execute<Row>(sql`
      select * from contacts where id in (${input.id}, ${into}) order by id for update`);
    const from = rows.find((r) => r.id === input.id);
    const target = rows.find((r) => r.id === into);
    if (!from) throw new NotFoundError("Contact");
    if (!target) throw new ValidationError("into is not a contact", { field: "into" });
    if (from.waba_id !== target.waba_id)
      throw new ConflictError("Contacts of different WhatsApp Business accounts cannot be merged");
    // Attribute values too: the kept contact's own win, the merged one's fill the gaps (in mergeContacts).
    await mergeContacts(tx, toRow(target), toRow(from));
    await emitAudit(tx, ctx.actor, {
      action: "contact.merged",
      entityType: "contact",
      entityId: into,
      data: { merged: input.id, by_hand: true },
    });
    const threads = await tx.execute<{ id: string }>(
      sql`select id from conversations where contact_id = ${into}`,
    );
    const result: ConversationTouch[] = [];
    for (const thread of threads) {
      await addTimelineEvent(tx, {
        conversationId: thread.id,
        type: "contact_merged",
        actorType: ctx.actor.type,
        actorId: ctx.actor.type === "user" ? ctx.actor.id : ctx.actor.name,
        data: { merged_contact_id: input.id },
        at: new Date(),
      });
      const touch = await touchConversation(tx, thread.id);
      if (touch) result.push(touch);
    }
    return result;
  });
  for (const touch of touches) await publishConversationChanged({ ...touch, reason: "identity" });
  return getContact({ ctx, input: { id: into } });
}

type Row = Record<string, unknown> & {
  id: string;
  waba_id: string;
  bsuid: string | null;
  parent_bsuid: string | null;
  phone: string | null;
  username: string | null;
  profile_name: string | null;
  address_book_name: string | null;
  legal_hold_at: string | null;
  attributes: Record<string, unknown> | null;
  created_at: string;
};

async function withAliases(ctx: Ctx, rows: Row[]): Promise<ContactDto[]> {
  const ids = rows.map((r) => r.id);
  const aliases =
    ids.length > 0
      ? await dbOf(ctx).execute<{
          contact_id: string;
          kind: string;
          value: string;
          reason: string | null;
        }>(sql`
          select contact_id, kind::text as kind, value, reason from contact_aliases
          where contact_id = any(${`{${ids.join(",")}}`}::uuid[]) order by created_at`)
      : [];
  return rows.map((r) => ({
    id: r.id,
    bsuid: r.bsuid,
    parent_bsuid: r.parent_bsuid,
    phone: r.phone,
    username: r.username,
    name: r.address_book_name ?? r.profile_name ?? r.username ?? r.phone ?? r.bsuid ?? "Unknown",
    address_book_name: r.address_book_name,
    profile_name: r.profile_name,
    aliases: aliases
      .filter((a) => a.contact_id === r.id)
      .map(({ kind, value, reason }) => ({ kind, value, reason })),
    legal_hold: r.legal_hold_at !== null,
    attributes: r.attributes ?? {},
    created_at: new Date(r.created_at).toISOString(),
  }));
}

// The merge helper works on Drizzle's camelCase rows.
function toRow(r: Row): ContactRow {
  return {
    id: r.id,
    wabaId: r.waba_id,
    bsuid: r.bsuid,
    parentBsuid: r.parent_bsuid,
    phone: r.phone,
    username: r.username,
    profileName: r.profile_name,
    addressBookName: r.address_book_name,
  } as ContactRow;
}
