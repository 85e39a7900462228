import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { teams } from "./users";

export const phoneNumbers = pgTable("phone_numbers", {
  id: uuid("id").primaryKey().defaultRandom(),
  wabaId: text("waba_id").notNull(),
  // Meta's id for the number; webhooks route on it (PROTOCOL.md §1.4), so it is unique.
  phoneNumberId: text("phone_number_id").notNull().unique(),
  displayNumber: text("display_number").notNull(),
  coexistence: boolean("coexistence").notNull().default(false),
  defaultTeamId: uuid("default_team_id").references(() => teams.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
