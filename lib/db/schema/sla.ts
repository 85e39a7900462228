import { boolean, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { businessHours } from "./bots";
import { phoneNumbers } from "./numbers";
import { teams } from "./users";

/**
 * Response and resolution targets. The most specific active policy applies: team and number, then team,
 * then number, then the default (neither). Minutes are business minutes when hours are set.
 */
export const slaPolicies = pgTable("sla_policies", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
  phoneNumberId: uuid("phone_number_id").references(() => phoneNumbers.id, { onDelete: "cascade" }),
  firstResponseMinutes: integer("first_response_minutes"),
  nextResponseMinutes: integer("next_response_minutes"),
  resolutionMinutes: integer("resolution_minutes"),
  businessHoursId: uuid("business_hours_id").references(() => businessHours.id, { onDelete: "set null" }),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
