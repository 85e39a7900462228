import { sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import type { EchoReceived, MessageReceived, PreferenceChanged, StatusUpdated } from "@/lib/whatsapp/events";
import { loadKeywordOverrides } from "./keyword-overrides";
import { matchConsentKeyword, MAX_KEYWORD_LENGTH } from "./keywords";
import { writeConsent } from "./write-consent";

const ingestActor = systemActor("ingest");
// Message types whose text is what the customer typed or tapped (a template's "Stop promotions" button).
const KEYWORD_TYPES = new Set(["text", "button"]);
const STOPPED_MARKETING = 131050;

/**
 * STOP/START keywords (PROTOCOL.md §11.3: only live customer messages trigger automations; never echoes or
 * history). Keyed on the wamid, so a re-delivered webhook records nothing twice.
 */
export async function applyConsentKeyword(
  tx: Tx,
  input: { event: MessageReceived | EchoReceived; contactId: string; conversationId: string },
): Promise<void> {
  const { event } = input;
  if (event.kind !== "message.received" || event.origin !== "live" || !KEYWORD_TYPES.has(event.type)) return;
  const text = event.text?.trim();
  // Cheap test first: most messages are longer than any keyword and never reach the lookup.
  if (!text || text.length > MAX_KEYWORD_LENGTH * 2) return;
  const keyword = matchConsentKeyword(text, await loadKeywordOverrides(tx));
  if (!keyword) return;
  await writeConsent(tx, ingestActor, {
    contactId: input.contactId,
    category: keyword.category,
    state: keyword.state,
    source: "keyword",
    detail: `"${text.slice(0, MAX_KEYWORD_LENGTH)}" (${event.wamid})`,
    at: event.timestamp,
    dedupeKey: `keyword:${event.wamid}`,
    timeline: { conversationIds: [input.conversationId], actorType: "customer" },
  });
}

/**
 * user_preferences (PROTOCOL.md §4.6). `stop` is an opt-out. `resume` only lifts WhatsApp's own block, so
 * it restores an opt-in the customer had given us before the stop, and is not an opt-in by itself.
 */
export async function applyMetaPreference(
  tx: Tx,
  input: { contactId: string; event: PreferenceChanged },
): Promise<void> {
  const { event, contactId } = input;
  const category = event.category.replace(/_messages$/, "");
  const value = event.value.toLowerCase();
  const at = event.timestamp;
  const dedupeKey = `user_preferences:${contactId}:${category}:${value}:${at.toISOString()}`;
  const conversationIds = await contactConversations(tx, contactId);
  if (value === "stop") {
    await writeConsent(tx, ingestActor, {
      contactId,
      category,
      state: "opt_out",
      source: "meta_user_preferences",
      detail: "Customer stopped these messages in WhatsApp",
      at,
      dedupeKey,
      timeline: { conversationIds, actorType: "customer" },
    });
    return;
  }
  if (value !== "resume") return;
  const [before] = await tx.execute<{ state: string }>(sql`
    select state from consent_events
    where contact_id = ${contactId} and category = ${category} and source <> 'meta_user_preferences'
      and date_trunc('second', at) <= ${at.toISOString()}::timestamptz
    order by date_trunc('second', at) desc, id desc limit 1`);
  if (before?.state !== "opt_in") return;
  await writeConsent(tx, ingestActor, {
    contactId,
    category,
    state: "opt_in",
    source: "meta_user_preferences",
    detail: "Customer resumed these messages in WhatsApp; restores their earlier opt-in",
    at,
    dedupeKey,
    timeline: { conversationIds, actorType: "customer" },
  });
}

/** A marketing send failed with 131050: the customer stopped marketing in WhatsApp (PROTOCOL.md §7). */
export async function applyStatusConsent(tx: Tx, event: StatusUpdated): Promise<void> {
  if (event.status !== "failed" || !event.errors.some((e) => e.code === STOPPED_MARKETING)) return;
  const [message] = await tx.execute<{ id: string; contact_id: string; conversation_id: string }>(sql`
    select m.id, c.contact_id, c.id as conversation_id
    from messages m join conversations c on c.id = m.conversation_id where m.wamid = ${event.wamid}`);
  // A status ahead of its message: the user_preferences webhook that always accompanies a stop covers it.
  if (!message) return;
  await recordMarketingStop(tx, {
    contactId: message.contact_id,
    conversationId: message.conversation_id,
    messageId: message.id,
    at: event.timestamp,
  });
}

/** Shared by the status webhook and by campaigns that see a send refused synchronously with 131050. */
export async function recordMarketingStop(
  tx: Tx,
  input: { contactId: string; conversationId: string; messageId: string; at: Date },
): Promise<void> {
  await writeConsent(tx, ingestActor, {
    contactId: input.contactId,
    category: "marketing",
    state: "opt_out",
    source: "meta_user_preferences",
    detail: `A marketing message failed with ${STOPPED_MARKETING} (customer stopped marketing in WhatsApp)`,
    at: input.at,
    dedupeKey: `${STOPPED_MARKETING}:${input.messageId}`,
    timeline: { conversationIds: [input.conversationId], actorType: "customer" },
  });
}

async function contactConversations(tx: Tx, contactId: string): Promise<string[]> {
  const rows = await tx.execute<{ id: string }>(
    sql`select id from conversations where contact_id = ${contactId}`,
  );
  return rows.map((r) => r.id);
}
