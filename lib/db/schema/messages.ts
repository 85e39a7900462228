import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { conversations } from "./conversations";
import { users } from "./users";

export const messageDirection = pgEnum("message_direction", ["inbound", "outbound"]);
export const messageSource = pgEnum("message_source", [
  "customer",
  "agent",
  "bot",
  "campaign",
  "business_app",
  "history",
  "system",
]);
export const messageStatus = pgEnum("message_status", [
  "queued",
  "sent",
  "delivered",
  "read",
  "played",
  "failed",
]);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id),
    // Null only while an outbound message is queued and Meta has not given it an id yet.
    wamid: text("wamid"),
    direction: messageDirection("direction").notNull(),
    source: messageSource("source").notNull(),
    type: text("type").notNull(),
    text: text("text"),
    // The type-specific object from Meta (media ids, location, interactive...), kept whole.
    content: jsonb("content"),
    status: messageStatus("status"),
    error: jsonb("error"),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    replyToWamid: text("reply_to_wamid"),
    // Meta's timestamp, never the receive time: ordering follows the sender, not the network.
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    // The client's Idempotency-Key for messages we send: a retried or double-submitted send finds this row.
    idempotencyKey: text("idempotency_key"),
    // Hash of the send request, so a key reused for a different message is refused rather than ignored.
    requestHash: text("request_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Insertion order, the tie-break among messages sharing one of Meta's whole-second timestamps
    // (created_at cannot be: a batch's rows all get its transaction's now()).
    arrival: bigint("arrival", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [
    uniqueIndex("messages_idempotency_key_uq")
      .on(t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
    // Idempotency key for every webhook carrying a message (duplicates are normal, PROTOCOL.md §1.3).
    uniqueIndex("messages_wamid_uq").on(t.wamid),
    // A thread page is the newest N messages of one conversation, in the thread's order.
    index("messages_conversation_ts_arrival_idx").on(
      t.conversationId,
      sql`${t.timestamp} desc`,
      sql`${t.arrival} desc`,
    ),
    // The volume rollup folds in messages stored since its watermark.
    index("messages_created_idx").on(t.createdAt),
    // An agent's last message (the supervisor board's "last activity"): only authored rows are indexed.
    index("messages_author_idx")
      .on(t.authorId, sql`${t.createdAt} desc`)
      .where(sql`${t.authorId} is not null`),
    // Template usage counts (admin templates list): only template sends are indexed, by our template id.
    index("messages_template_idx")
      .on(sql`(${t.content}->>'template_id')`)
      .where(sql`${t.type} = 'template'`),
    // Full-text search over message text; 'simple' (no stemming) because customers write in any language.
    index("messages_text_fts_idx").using("gin", sql`to_tsvector('simple', coalesce(${t.text}, ''))`),
  ],
);

export const statusName = pgEnum("status_name", ["sent", "delivered", "read", "played", "failed"]);

/**
 * Every receipt as received, keyed (wamid, status) so duplicates are no-ops. Not tied to messages by a
 * foreign key: a status may arrive before its message, and is applied when the message appears.
 */
export const messageStatuses = pgTable(
  "message_statuses",
  {
    wamid: text("wamid").notNull(),
    status: statusName("status").notNull(),
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull(),
    error: jsonb("error"),
    pricing: jsonb("pricing"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.wamid, t.status] })],
);

/**
 * Edits and revokes, with the content before and after, newest last: the history of a message's changes.
 * Keyed by the original's wamid, not a foreign key, so a change that arrives before its message is applied
 * when the message appears (applied_at stays null until then).
 */
export const messageRevisions = pgTable(
  "message_revisions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    targetWamid: text("target_wamid").notNull(),
    // The edit/revoke notification's own wamid: the dedupe key for re-delivered changes.
    changeWamid: text("change_wamid").notNull(),
    kind: text("kind").notNull(),
    by: text("by").notNull(),
    previousText: text("previous_text"),
    previousContent: jsonb("previous_content"),
    nextText: text("next_text"),
    nextContent: jsonb("next_content"),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("message_revisions_change_wamid_uq").on(t.changeWamid),
    index("message_revisions_target_idx").on(t.targetWamid),
  ],
);

/**
 * One current reaction per reactor and target (WhatsApp replaces a reaction; an empty emoji removes it).
 * Keyed by the target wamid so a reaction that arrives before its message still attaches later.
 */
export const messageReactions = pgTable(
  "message_reactions",
  {
    targetWamid: text("target_wamid").notNull(),
    reactor: text("reactor").notNull(),
    emoji: text("emoji").notNull(),
    wamid: text("wamid").notNull(),
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.targetWamid, t.reactor] })],
);
