import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import { addTimelineEvent, type ConversationTouch } from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import type { ConsentSourceName, ConsentStateName } from "./schemas";

// Meta's timestamps have whole seconds while ours have milliseconds: within one second, the change we
// learn of last wins (it is the only order we can know).
const NEWER = sql.raw(`date_trunc('second', consents.at) <= date_trunc('second', excluded.at)`);

export type ConsentChange = {
  contactId: string;
  category: string;
  state: ConsentStateName;
  source: ConsentSourceName;
  detail?: string | null;
  reason?: string | null;
  at: Date;
  /** Webhook-driven changes pass the provider's id, so a re-delivery records nothing. */
  dedupeKey?: string | null;
  /** Conversations whose timeline shows the change (the one a keyword came in on, or all the contact's). */
  timeline?: { conversationIds: string[]; actorType: string };
};

export type ConsentWritten = {
  /** False when the dedupe key was seen before. */
  recorded: boolean;
  /** True when it became the contact's current state (not older than what we had). */
  current: boolean;
  touches: ConversationTouch[];
};

/**
 * Appends one consent event, moves the current state when the event is the newest by `at` (webhooks
 * arrive out of order), adds timeline rows and audits, all in the caller's transaction.
 */
export async function writeConsent(tx: Tx, actor: Actor, change: ConsentChange): Promise<ConsentWritten> {
  const actorId = actor.type === "user" ? actor.id : actor.name;
  const at = change.at.toISOString();
  const [event] = await tx.execute<{ id: string }>(sql`
    insert into consent_events (contact_id, category, state, source, source_detail, reason, actor_type, actor_id,
                                at, dedupe_key)
    values (${change.contactId}, ${change.category}, ${change.state}::consent_state,
            ${change.source}::consent_source, ${change.detail ?? null}, ${change.reason ?? null}, ${actor.type},
            ${actorId}, ${at}::timestamptz, ${change.dedupeKey ?? null})
    on conflict (dedupe_key) where dedupe_key is not null do nothing
    returning id`);
  if (!event) return { recorded: false, current: false, touches: [] };
  const [current] = await tx.execute<{ event_id: string }>(sql`
    insert into consents (contact_id, category, state, source, source_detail, actor_type, actor_id, at, event_id)
    values (${change.contactId}, ${change.category}, ${change.state}::consent_state,
            ${change.source}::consent_source, ${change.detail ?? null}, ${actor.type}, ${actorId},
            ${at}::timestamptz, ${event.id})
    on conflict (contact_id, category) do update set
      state = excluded.state, source = excluded.source, source_detail = excluded.source_detail,
      actor_type = excluded.actor_type, actor_id = excluded.actor_id, at = excluded.at, event_id = excluded.event_id
    where ${NEWER}
    returning event_id`);
  const touches: ConversationTouch[] = [];
  for (const conversationId of change.timeline?.conversationIds ?? []) {
    const touch = await addTimelineEvent(tx, {
      conversationId,
      type: change.state === "opt_out" ? "consent_opt_out" : "consent_opt_in",
      actorType: change.timeline?.actorType ?? actor.type,
      actorId: actor.type === "user" ? actor.id : null,
      data: {
        category: change.category,
        source: change.source,
        detail: change.detail ?? null,
        reason: change.reason ?? null,
      },
      at: change.at,
      dedupeKey: `consent:${event.id}:${conversationId}`,
    });
    if (touch) touches.push(touch);
  }
  await emitAudit(tx, actor, {
    action: change.state === "opt_out" ? "consent.opt_out" : "consent.opt_in",
    entityType: "contact",
    entityId: change.contactId,
    data: {
      category: change.category,
      source: change.source,
      detail: change.detail ?? null,
      reason: change.reason ?? null,
      at,
      event_id: Number(event.id),
      current: Boolean(current),
    },
  });
  return { recorded: true, current: Boolean(current), touches };
}

/**
 * Contact merge (a phone change, PROTOCOL.md §4.5): the person's consent follows them. History moves over;
 * per category the newer current state wins. Runs before the merged contact is deleted.
 */
export async function moveConsents(tx: Tx, fromContactId: string, intoContactId: string): Promise<void> {
  await tx.execute(
    sql`update consent_events set contact_id = ${intoContactId} where contact_id = ${fromContactId}`,
  );
  await tx.execute(sql`
    insert into consents (contact_id, category, state, source, source_detail, actor_type, actor_id, at, event_id)
    select ${intoContactId}, category, state, source, source_detail, actor_type, actor_id, at, event_id
    from consents where contact_id = ${fromContactId}
    on conflict (contact_id, category) do update set
      state = excluded.state, source = excluded.source, source_detail = excluded.source_detail,
      actor_type = excluded.actor_type, actor_id = excluded.actor_id, at = excluded.at, event_id = excluded.event_id
    where ${NEWER}`);
  await tx.execute(sql`delete from consents where contact_id = ${fromContactId}`);
}
