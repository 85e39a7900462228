import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contacts } from "./contacts";
import { phoneNumbers } from "./numbers";
import { teams, users } from "./users";

export const conversationStatus = pgEnum("conversation_status", ["bot", "open", "snoozed", "resolved"]);

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    phoneNumberId: uuid("phone_number_id")
      .notNull()
      .references(() => phoneNumbers.id),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    status: conversationStatus("status").notNull().default("open"),
    // Denormalized so the inbox list is one indexed scan (BENCHMARKS.md T7), not a join over messages.
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    lastMessagePreview: text("last_message_preview"),
    lastInboundAt: timestamp("last_inbound_at", { withTimezone: true }),
    windowExpiresAt: timestamp("window_expires_at", { withTimezone: true }),
    // Click-to-WhatsApp referral (PROTOCOL.md §9): answered within 24 h, everything is free until then.
    referralAt: timestamp("referral_at", { withTimezone: true }),
    firstReplyAfterReferralAt: timestamp("first_reply_after_referral_at", { withTimezone: true }),
    unreadCount: integer("unread_count").notNull().default(0),
    // Bumped on every change and sent with each live event, so a client can tell it missed one.
    seq: bigint("seq", { mode: "number" }).notNull().default(0),
    // The owner answered from the phone (an echo): a human is talking, bots must stay out (DESIGN.md).
    ownerActiveAt: timestamp("owner_active_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One conversation per contact per business number (DESIGN.md "Conversations").
    uniqueIndex("conversations_contact_number_uq").on(t.contactId, t.phoneNumberId),
    // Inbox views: by status / team / assignee, newest activity first.
    index("conversations_status_activity_idx").on(t.status, sql`${t.lastMessageAt} desc nulls last`),
    index("conversations_team_activity_idx").on(t.teamId, sql`${t.lastMessageAt} desc nulls last`),
    index("conversations_assignee_activity_idx").on(t.assigneeId, sql`${t.lastMessageAt} desc nulls last`),
  ],
);

// The conversation's timeline of non-message events: who did what, when, why (DESIGN.md "Conversations").
export const conversationEvents = pgTable(
  "conversation_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    data: jsonb("data"),
    // When it happened (Meta's timestamp for webhook-driven events), and an optional dedupe key.
    at: timestamp("at", { withTimezone: true }).notNull(),
    dedupeKey: text("dedupe_key"),
  },
  (t) => [
    index("conversation_events_conversation_at_idx").on(t.conversationId, t.at),
    uniqueIndex("conversation_events_dedupe_uq").on(t.dedupeKey),
  ],
);
