import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    unreadCount: integer("unread_count").notNull().default(0),
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
