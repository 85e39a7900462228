import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  primaryKey,
  smallint,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contacts } from "./contacts";
import { phoneNumbers } from "./numbers";
import { teams, users } from "./users";

export const conversationStatus = pgEnum("conversation_status", ["bot", "open", "snoozed", "resolved"]);
export const conversationPriority = pgEnum("conversation_priority", ["low", "normal", "high", "urgent"]);

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
    priority: conversationPriority("priority").notNull().default("normal"),
    // Snoozed until this time; null while snoozed means "until the customer writes again".
    snoozedUntil: timestamp("snoozed_until", { withTimezone: true }),
    assignedAt: timestamp("assigned_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    // The oldest customer message nobody has answered yet ("longest waiting" sort and SLA); null when answered.
    waitingSince: timestamp("waiting_since", { withTimezone: true }),
    // SLA clocks (lib/sla), maintained on write; a clock that ran out is cleared and recorded as a breach.
    firstResponseDueAt: timestamp("first_response_due_at", { withTimezone: true }),
    nextResponseDueAt: timestamp("next_response_due_at", { withTimezone: true }),
    resolutionDueAt: timestamp("resolution_due_at", { withTimezone: true }),
    slaBreachedAt: timestamp("sla_breached_at", { withTimezone: true }),
    // Legal hold: retention never purges this conversation while set.
    legalHoldAt: timestamp("legal_hold_at", { withTimezone: true }),
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
    // The list's status + assignee and status + team filters (T7): a page is its first rows, with no walk
    // through the resolved conversations that make up most of an agent's or a team's history.
    index("conversations_status_assignee_activity_idx").on(
      t.status,
      t.assigneeId,
      sql`${t.lastMessageAt} desc nulls last`,
    ),
    index("conversations_status_team_activity_idx").on(
      t.status,
      t.teamId,
      sql`${t.lastMessageAt} desc nulls last`,
    ),
    // The team queue the router draws from: open, unassigned, by team.
    index("conversations_queue_idx")
      .on(t.teamId, t.priority, t.waitingSince)
      .where(sql`${t.status} = 'open' and ${t.assigneeId} is null`),
    // "Longest waiting" sort: unanswered conversations by the age of the oldest unanswered message.
    index("conversations_waiting_idx")
      .on(t.waitingSince, t.id)
      .where(sql`${t.waitingSince} is not null`),
    // The SLA tick looks only at running clocks.
    index("conversations_sla_due_idx")
      .on(sql`least(${t.firstResponseDueAt}, ${t.nextResponseDueAt}, ${t.resolutionDueAt})`)
      .where(
        sql`${t.firstResponseDueAt} is not null or ${t.nextResponseDueAt} is not null or ${t.resolutionDueAt} is not null`,
      ),
    // The snooze wake-up looks only at timed snoozes.
    index("conversations_snoozed_until_idx")
      .on(t.snoozedUntil)
      .where(sql`${t.status} = 'snoozed' and ${t.snoozedUntil} is not null`),
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

export const labels = pgTable(
  "labels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    // A Tailwind-free hex colour, e.g. #2563eb, so any client can render it.
    color: text("color").notNull().default("#64748b"),
    description: text("description").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("labels_name_lower_uq").on(sql`lower(${t.name})`)],
);

export const conversationLabels = pgTable(
  "conversation_labels",
  {
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    labelId: uuid("label_id")
      .notNull()
      .references(() => labels.id, { onDelete: "cascade" }),
    addedBy: uuid("added_by").references(() => users.id, { onDelete: "set null" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.labelId] }),
    // The inbox's label filter and campaign segments by label.
    index("conversation_labels_label_idx").on(t.labelId, t.conversationId),
  ],
);

/**
 * One row per stretch of work on a conversation: opened (first customer message, or reopened) until
 * resolved. Reports read these instead of scanning messages (BENCHMARKS.md, issue "reports").
 */
export const conversationCycles = pgTable(
  "conversation_cycles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    phoneNumberId: uuid("phone_number_id")
      .notNull()
      .references(() => phoneNumbers.id),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: text("resolved_by"),
    // Started by reopening a resolved conversation (reopen rate).
    reopened: boolean("reopened").notNull().default(false),
    // First time someone owned it in this cycle (handle time runs from here to the resolve).
    firstAssignedAt: timestamp("first_assigned_at", { withTimezone: true }),
    // An SLA clock ran out during this cycle (SLA compliance).
    slaBreached: boolean("sla_breached").notNull().default(false),
    // CSAT (issue 10) on a 1-3 scale (3 great, 2 ok, 1 poor): WhatsApp allows three reply buttons.
    csatSentAt: timestamp("csat_sent_at", { withTimezone: true }),
    csatMessageId: uuid("csat_message_id"),
    // Why no survey went out (e.g. outside the window with no template), for admins.
    csatSkippedReason: text("csat_skipped_reason"),
    csatScore: smallint("csat_score"),
    csatAnsweredAt: timestamp("csat_answered_at", { withTimezone: true }),
  },
  (t) => [
    index("conversation_cycles_conversation_idx").on(t.conversationId, t.startedAt),
    index("conversation_cycles_started_idx").on(t.startedAt),
    // At most one open cycle per conversation.
    uniqueIndex("conversation_cycles_open_uq")
      .on(t.conversationId)
      .where(sql`${t.resolvedAt} is null`),
    check("conversation_cycles_csat_score_ck", sql`${t.csatScore} between 1 and 3`),
  ],
);

/** Saved replies typed with /shortcut in the composer: shared (owner null) or personal. */
export const cannedResponses = pgTable(
  "canned_responses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    shortcut: text("shortcut").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One shortcut per owner, and one among the shared ones.
    uniqueIndex("canned_responses_shortcut_uq").on(
      sql`coalesce(${t.ownerId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`lower(${t.shortcut})`,
    ),
  ],
);

/** What a user is told about: mentions in notes, conversations assigned to them. */
export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    actorId: text("actor_id"),
    data: jsonb("data"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.id)],
);

/**
 * Messages per day, number, team, source and direction: the volume report reads this, never the messages
 * table. Kept by a minutely job that folds in messages stored since its watermark (no hot-row updates on
 * the ingest path).
 */
export const messageVolumeDaily = pgTable(
  "message_volume_daily",
  {
    day: date("day").notNull(),
    phoneNumberId: uuid("phone_number_id").notNull(),
    // The conversation's team when counted; the zero uuid for none (part of the key, so never null).
    teamId: uuid("team_id").notNull(),
    source: text("source").notNull(),
    direction: text("direction").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.phoneNumberId, t.teamId, t.source, t.direction] })],
);

/** Where each incremental job has got to (e.g. the volume rollup's last counted insert time). */
export const jobWatermarks = pgTable("job_watermarks", {
  key: text("key").primaryKey(),
  value: timestamp("value", { withTimezone: true }).notNull(),
});
