import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./contacts";
import { conversations } from "./conversations";
import { messages } from "./messages";
import { phoneNumbers } from "./numbers";
import { templates } from "./templates";
import { users } from "./users";

export const campaignState = pgEnum("campaign_state", [
  "draft",
  "scheduled",
  "running",
  "paused",
  "completed",
  "cancelled",
]);
export const campaignRecipientState = pgEnum("campaign_recipient_state", [
  "pending",
  "queued",
  "skipped",
  "sent",
  "delivered",
  "read",
  "failed",
  "replied",
]);

// A bulk template send (DESIGN.md "Outbound"): its recipients go through the normal send queue.
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    phoneNumberId: uuid("phone_number_id")
      .notNull()
      .references(() => phoneNumbers.id),
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id),
    // Template variable → value; values may hold {{contact.name}}-style fields, filled per recipient.
    variables: jsonb("variables").$type<Record<string, string>>().notNull().default({}),
    header: jsonb("header").$type<Record<string, unknown>>(),
    buttons: jsonb("buttons").$type<Record<string, unknown>[]>(),
    segment: jsonb("segment").$type<Record<string, unknown>>().notNull(),
    state: campaignState("state").notNull().default("draft"),
    scheduledAt: timestamp("scheduled_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    // Set once the segment has been turned into recipient rows (the first run does it).
    expandedAt: timestamp("expanded_at", { withTimezone: true }),
    // The last progress counts published, so a refresh only pushes an event when something moved.
    counts: jsonb("counts").$type<Record<string, number>>().notNull().default({}),
    // One runner per campaign across processes: a job holds this lease while it queues a batch.
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("campaigns_created_idx").on(sql`${t.createdAt} desc`, t.id),
    // The tick looks only at campaigns that may still need work or whose progress can still move.
    index("campaigns_active_idx")
      .on(t.state, t.scheduledAt)
      .where(sql`${t.state} in ('scheduled', 'running', 'completed')`),
  ],
);

export const campaignRecipients = pgTable(
  "campaign_recipients",
  {
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    // Null until queued; the send's idempotency key is campaign:<campaign>:<contact>, so a rerun finds it.
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "set null" }),
    state: campaignRecipientState("state").notNull().default("pending"),
    skipReason: text("skip_reason"),
    error: jsonb("error"),
    // ISO country (from the phone's calling code or the BSUID prefix), for cost estimates and reports.
    country: text("country"),
    queuedAt: timestamp("queued_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A contact is a recipient once per campaign, however many times the segment is expanded.
    primaryKey({ columns: [t.campaignId, t.contactId] }),
    // The runner claims pending recipients and progress groups by state.
    index("campaign_recipients_state_idx").on(t.campaignId, t.state),
  ],
);
