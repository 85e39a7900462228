import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Idempotency key for every webhook carrying a message (duplicates are normal, PROTOCOL.md §1.3).
    uniqueIndex("messages_wamid_uq").on(t.wamid),
    // A thread page is the newest N messages of one conversation.
    index("messages_conversation_ts_idx").on(t.conversationId, sql`${t.timestamp} desc`, t.id),
  ],
);
