import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contacts } from "./contacts";

export const consentState = pgEnum("consent_state", ["opt_in", "opt_out"]);
export const consentSource = pgEnum("consent_source", [
  "keyword",
  "meta_user_preferences",
  "agent",
  "import",
  "api",
  "campaign_reply",
]);

/**
 * Every consent change as it happened, never updated or deleted (the evidence behind a campaign send).
 * `at` is when the customer said it (Meta's timestamp), `recorded_at` when we learnt it.
 */
export const consentEvents = pgTable(
  "consent_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    // marketing | utility | authentication | all (text: categories may grow without a migration).
    category: text("category").notNull(),
    state: consentState("state").notNull(),
    source: consentSource("source").notNull(),
    sourceDetail: text("source_detail"),
    reason: text("reason"),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
    // Webhook re-deliveries carry the same key (the message wamid, the failed status): recorded once.
    dedupeKey: text("dedupe_key"),
  },
  (t) => [
    index("consent_events_contact_idx").on(t.contactId, t.category, t.at),
    uniqueIndex("consent_events_dedupe_uq")
      .on(t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
  ],
);

/** The current state per (contact, category): the newest event by `at`, so late webhooks never win. */
export const consents = pgTable(
  "consents",
  {
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    state: consentState("state").notNull(),
    source: consentSource("source").notNull(),
    sourceDetail: text("source_detail"),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => consentEvents.id),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.category] })],
);

/**
 * Keywords added or switched off by admins; the built-in multilingual defaults live in code
 * (lib/consent/keywords.ts), so a row with enabled=false is how a default is turned off.
 */
export const consentKeywords = pgTable("consent_keywords", {
  // Stored folded (trimmed, lower-case, accents stripped), the form messages are matched in.
  keyword: text("keyword").primaryKey(),
  state: consentState("state").notNull(),
  category: text("category").notNull().default("marketing"),
  enabled: boolean("enabled").notNull().default(true),
  language: text("language"),
  createdBy: text("created_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
