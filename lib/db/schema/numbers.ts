import { boolean, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { teams } from "./users";

export const coexistenceState = pgEnum("coexistence_state", ["active", "partner_removed", "offboarded"]);
export const historyImportState = pgEnum("history_import_state", [
  "not_started",
  "importing",
  "complete",
  "declined",
]);

export type HistoryCounts = { chunks: number; threads: number; messages: number; duplicates: number };

export const phoneNumbers = pgTable("phone_numbers", {
  id: uuid("id").primaryKey().defaultRandom(),
  wabaId: text("waba_id").notNull(),
  // Meta's id for the number; webhooks route on it (PROTOCOL.md §1.4), so it is unique.
  phoneNumberId: text("phone_number_id").notNull().unique(),
  displayNumber: text("display_number").notNull(),
  coexistence: boolean("coexistence").notNull().default(false),
  defaultTeamId: uuid("default_team_id").references(() => teams.id, { onDelete: "set null" }),
  // The number's opening hours (bots' away message, routing rules, SLA clocks); null = always open.
  businessHoursId: uuid("business_hours_id"),
  // Messages and media older than this many days are purged (null = kept); legal holds are exempt.
  retentionDays: integer("retention_days"),
  // Coexistence link health (PROTOCOL.md §5.5): account_update events move it.
  coexistenceState: coexistenceState("coexistence_state").notNull().default("active"),
  coexistenceReason: text("coexistence_reason"),
  coexistenceChangedAt: timestamp("coexistence_changed_at", { withTimezone: true }),
  // Last sign of the owner's phone app (an echo): the link drops after ~14 days of inactivity.
  lastAppActivityAt: timestamp("last_app_activity_at", { withTimezone: true }),
  // Onboarding history import (§5.4): progress 0–100, complete at 100, or declined (2593109).
  historyState: historyImportState("history_state").notNull().default("not_started"),
  historyPhase: integer("history_phase"),
  historyProgress: integer("history_progress").notNull().default(0),
  historyCounts: jsonb("history_counts").$type<HistoryCounts>(),
  historyUpdatedAt: timestamp("history_updated_at", { withTimezone: true }),
  contactSyncAt: timestamp("contact_sync_at", { withTimezone: true }),
  // Messages per second this number may send; null = Meta's default (20 on Coexistence, 80 otherwise).
  sendRateLimit: integer("send_rate_limit"),
  // Set when Meta refuses our token or permissions (190, 0, 10, 200–299): the queue holds until fixed.
  sendingPausedAt: timestamp("sending_paused_at", { withTimezone: true }),
  sendingPausedReason: jsonb("sending_paused_reason"),
  // The number's own Cloud API token (manual connect), sealed with lib/auth/secret-box; never returned.
  accessTokenSealed: text("access_token_sealed"),
  accessTokenSetAt: timestamp("access_token_set_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

// Things an admin must act on (partner removed, history declined…); resolved when acted on.
export const adminAlerts = pgTable("admin_alerts", {
  id: uuid("id").primaryKey().defaultRandom(),
  phoneNumberId: uuid("phone_number_id").references(() => phoneNumbers.id, { onDelete: "cascade" }),
  kind: text("kind").notNull(),
  message: text("message").notNull(),
  data: jsonb("data"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  resolvedAt: timestamp("resolved_at", { withTimezone: true }),
});
