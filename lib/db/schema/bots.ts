import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { conversations } from "./conversations";
import { phoneNumbers } from "./numbers";
import { teams, users } from "./users";

export const botKind = pgEnum("bot_kind", ["flow", "external"]);

/** Opening hours in a time zone, with holidays; used by bots (away message), routing rules and SLAs. */
export const businessHours = pgTable("business_hours", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  timezone: text("timezone").notNull().default("UTC"),
  // { mon: [["09:00","17:00"]], tue: [...], ... }: missing days are closed.
  weekly: jsonb("weekly")
    .notNull()
    .default(sql`'{}'::jsonb`),
  // [{ date: "2026-12-25", name: "Christmas" }]: closed all day.
  holidays: jsonb("holidays")
    .notNull()
    .default(sql`'[]'::jsonb`),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The bot on a business number (one per number): the built-in flow bot or an external HTTPS bot. While it
 * is active, new conversations on the number start in status `bot` and are not offered to humans.
 */
export const bots = pgTable("bots", {
  id: uuid("id").primaryKey().defaultRandom(),
  phoneNumberId: uuid("phone_number_id")
    .notNull()
    .unique()
    .references(() => phoneNumbers.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  kind: botKind("kind").notNull().default("flow"),
  active: boolean("active").notNull().default(false),
  // The flow version new conversations start with (each conversation keeps the one it started with).
  publishedVersion: integer("published_version"),
  // External bots: where events are POSTed (HMAC-signed with the secret, stored encrypted).
  externalUrl: text("external_url"),
  externalSecret: text("external_secret"),
  // The bot's REST token (shown once, stored as SHA-256), to reply and hand off through /api/v1/bot.
  tokenPrefix: text("token_prefix").unique(),
  tokenHash: text("token_hash"),
  // An external bot that has not answered a customer message within this many seconds hands off.
  replyTimeoutSeconds: integer("reply_timeout_seconds").notNull().default(60),
  // After a resolve, does the next customer message go back to the bot? (admin setting)
  resumeAfterResolve: boolean("resume_after_resolve").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Immutable flow versions: editing publishes a new version; running conversations keep theirs. */
export const botFlowVersions = pgTable(
  "bot_flow_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: jsonb("definition").notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("bot_flow_versions_bot_version_uq").on(t.botId, t.version)],
);

/** A bot's conversation with a customer: where the flow is, what it collected, how it ended. */
export const botSessions = pgTable(
  "bot_sessions",
  {
    conversationId: uuid("conversation_id")
      .primaryKey()
      .references(() => conversations.id, { onDelete: "cascade" }),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    flowVersion: integer("flow_version"),
    state: jsonb("state")
      .notNull()
      .default(sql`'{}'::jsonb`),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    // External bots: the customer message the bot still owes an answer to (timeout → handoff).
    awaitingReplySince: timestamp("awaiting_reply_since", { withTimezone: true }),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    // handoff | owner_replied | agent_replied | timeout | resolved | bot_disabled
    endReason: text("end_reason"),
  },
  (t) => [
    index("bot_sessions_awaiting_idx")
      .on(t.awaitingReplySince)
      .where(sql`${t.endedAt} is null and ${t.awaitingReplySince} is not null`),
  ],
);

/**
 * Where a handed-off conversation goes: the first active rule (by position) whose conditions all match
 * picks the team; no match → the number's default team.
 */
export const routingRules = pgTable("routing_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  position: integer("position").notNull().default(0),
  active: boolean("active").notNull().default(true),
  // { number_id?, keyword?, language?, label_id?, field?: { name, equals }, business_hours?: { id, open: bool } }
  conditions: jsonb("conditions")
    .notNull()
    .default(sql`'{}'::jsonb`),
  teamId: uuid("team_id")
    .notNull()
    .references(() => teams.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
