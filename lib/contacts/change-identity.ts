import { eq, sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import { moveCampaignRecipients } from "@/lib/campaigns";
import { moveConsents } from "@/lib/consent";
import type { Tx } from "@/lib/db/client";
import { contacts } from "@/lib/db/schema";
import type { IdentityChanged } from "@/lib/whatsapp/events";
import { findContact, type ContactRow } from "./resolve-contact";

export type IdentityOutcome = {
  contactId: string;
  mergedContactId: string | null;
  conversationIds: string[];
};

type AliasKind = "bsuid" | "parent_bsuid" | "phone";
const FIELDS: [AliasKind, "bsuid" | "parentBsuid" | "phone"][] = [
  ["bsuid", "bsuid"],
  ["parent_bsuid", "parentBsuid"],
  ["phone", "phone"],
];

/**
 * A customer's phone or BSUID changed (PROTOCOL.md §4.5). The contact keeps its thread and moves to the new
 * ids; the old ones become aliases. If the new identity already has a contact (a thread opened under the
 * new number first), that contact and its conversations are merged into the old one: never two threads
 * for one person. Replays are no-ops.
 */
export async function changeIdentity(
  tx: Tx,
  wabaId: string,
  event: IdentityChanged,
): Promise<IdentityOutcome> {
  const previous = await findContact(tx, wabaId, event.previous);
  const current = await findContact(tx, wabaId, event.current);
  let survivor: ContactRow | undefined = previous ?? current;
  let mergedContactId: string | null = null;
  if (previous && current && previous.id !== current.id) {
    await mergeContacts(tx, previous, current);
    mergedContactId = current.id;
    survivor = previous;
  }
  if (!survivor) {
    const [created] = await tx
      .insert(contacts)
      .values({
        wabaId,
        bsuid: event.current.bsuid,
        parentBsuid: event.current.parentBsuid,
        phone: event.current.phone,
      })
      .returning();
    survivor = created!;
  }

  const aliases: { kind: AliasKind; value: string }[] = [];
  const next: Partial<Record<"bsuid" | "parentBsuid" | "phone", string>> = {};
  for (const [kind, field] of FIELDS) {
    const newValue = event.current[field];
    const oldValues = [survivor[field], event.previous[field]].filter(
      (v): v is string => !!v && v !== newValue,
    );
    for (const value of oldValues) aliases.push({ kind, value });
    if (newValue && newValue !== survivor[field]) next[field] = newValue;
  }
  if (Object.keys(next).length > 0) {
    await tx
      .update(contacts)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(contacts.id, survivor.id));
  }
  for (const alias of aliases) {
    await tx.execute(sql`
      insert into contact_aliases (contact_id, waba_id, kind, value, reason)
      values (${survivor.id}, ${wabaId}, ${alias.kind}::contact_alias_kind, ${alias.value}, ${event.reason})
      on conflict (waba_id, kind, value) do nothing`);
  }

  // An id that is current again (or was current on the merged contact) is no alias.
  for (const [kind, field] of FIELDS) {
    const value = event.current[field];
    if (value)
      await tx.execute(
        sql`delete from contact_aliases where waba_id = ${wabaId} and kind = ${kind}::contact_alias_kind and value = ${value}`,
      );
  }

  const conversations = await tx.execute<{ id: string }>(
    sql`select id from conversations where contact_id = ${survivor.id}`,
  );
  const changed = Object.keys(next).length > 0 || mergedContactId !== null;
  if (changed) {
    await emitAudit(tx, systemActor("ingest"), {
      action: mergedContactId ? "contact.merged" : "contact.identity_changed",
      entityType: "contact",
      entityId: survivor.id,
      data: { reason: event.reason, previous: event.previous, current: event.current, mergedContactId },
    });
  }
  return { contactId: survivor.id, mergedContactId, conversationIds: conversations.map((c) => c.id) };
}

/**
 * What hangs off a conversation that is about to be merged away: labels, work cycles (reports keep them; two
 * open cycles become one), notifications, and the bot's session (the bot keeps its context, DESIGN.md).
 */
async function moveConversationState(tx: Tx, fromId: string, intoId: string) {
  await tx.execute(sql`
    insert into conversation_labels (conversation_id, label_id, added_by, added_at)
    select ${intoId}, label_id, added_by, added_at from conversation_labels where conversation_id = ${fromId}
    on conflict do nothing`);
  await tx.execute(sql`
    update conversation_cycles set resolved_at = now(), resolved_by = 'merge'
    where conversation_id = ${fromId} and resolved_at is null
      and exists (select 1 from conversation_cycles where conversation_id = ${intoId} and resolved_at is null)`);
  await tx.execute(
    sql`update conversation_cycles set conversation_id = ${intoId} where conversation_id = ${fromId}`,
  );
  await tx.execute(
    sql`update notifications set conversation_id = ${intoId} where conversation_id = ${fromId}`,
  );
  await tx.execute(sql`
    update bot_sessions set conversation_id = ${intoId}
    where conversation_id = ${fromId} and not exists (select 1 from bot_sessions where conversation_id = ${intoId})`);
}

/**
 * Moves everything of `from` into `into` (conversations on the same number join, attribute values fill gaps),
 * then deletes `from`. Used by the automatic identity merges and the manual one alike.
 */
export async function mergeContacts(tx: Tx, into: ContactRow, from: ContactRow) {
  const theirs = await tx.execute<{ id: string; phone_number_id: string }>(
    sql`select id, phone_number_id from conversations where contact_id = ${from.id}`,
  );
  for (const conversation of theirs) {
    const [target] = await tx.execute<{ id: string }>(sql`
      select id from conversations where contact_id = ${into.id} and phone_number_id = ${conversation.phone_number_id}`);
    if (!target) {
      await tx.execute(sql`update conversations set contact_id = ${into.id} where id = ${conversation.id}`);
      continue;
    }
    await tx.execute(
      sql`update messages set conversation_id = ${target.id} where conversation_id = ${conversation.id}`,
    );
    await tx.execute(
      sql`update conversation_events set conversation_id = ${target.id} where conversation_id = ${conversation.id}`,
    );
    await moveConversationState(tx, conversation.id, target.id);
    await tx.execute(sql`
      update conversations t set
        last_message_preview = case when s.last_message_at > t.last_message_at or t.last_message_at is null
                                    then s.last_message_preview else t.last_message_preview end,
        last_message_at = greatest(t.last_message_at, s.last_message_at),
        last_inbound_at = greatest(t.last_inbound_at, s.last_inbound_at),
        window_expires_at = greatest(t.window_expires_at, s.window_expires_at),
        owner_active_at = greatest(t.owner_active_at, s.owner_active_at),
        unread_count = t.unread_count + s.unread_count,
        assignee_id = coalesce(t.assignee_id, s.assignee_id),
        team_id = coalesce(t.team_id, s.team_id),
        waiting_since = least(t.waiting_since, s.waiting_since),
        first_response_due_at = least(t.first_response_due_at, s.first_response_due_at),
        next_response_due_at = least(t.next_response_due_at, s.next_response_due_at),
        resolution_due_at = least(t.resolution_due_at, s.resolution_due_at),
        sla_breached_at = least(t.sla_breached_at, s.sla_breached_at),
        legal_hold_at = least(t.legal_hold_at, s.legal_hold_at),
        status = case when s.status = 'open' or t.status = 'open' then 'open'::conversation_status else t.status end
      from conversations s
      where t.id = ${target.id} and s.id = ${conversation.id}`);
    await tx.execute(sql`delete from conversations where id = ${conversation.id}`);
  }
  await tx.execute(sql`update contact_aliases set contact_id = ${into.id} where contact_id = ${from.id}`);
  await moveConsents(tx, from.id, into.id);
  await moveCampaignRecipients(tx, from.id, into.id);
  // Custom attribute values: the kept contact's own win, the merged one's fill the gaps instead of being lost.
  await tx.execute(sql`
    update contacts k set attributes = m.attributes || k.attributes
    from contacts m where k.id = ${into.id} and m.id = ${from.id}`);
  await tx.delete(contacts).where(eq(contacts.id, from.id));
  await tx
    .update(contacts)
    .set({
      addressBookName: into.addressBookName ?? from.addressBookName,
      username: from.username ?? into.username,
      profileName: from.profileName ?? into.profileName,
    })
    .where(eq(contacts.id, into.id));
  // The merged contact's ids were freed by the delete; they are recorded as aliases by the caller's
  // previous/current handling, plus any the caller does not know about:
  for (const [kind, field] of FIELDS) {
    const value = from[field];
    if (!value) continue;
    await tx.execute(sql`
      insert into contact_aliases (contact_id, waba_id, kind, value, reason)
      values (${into.id}, ${into.wabaId}, ${kind}::contact_alias_kind, ${value}, 'merged')
      on conflict (waba_id, kind, value) do nothing`);
  }
}
