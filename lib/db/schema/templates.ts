import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

// Message templates per WABA, kept in step by sync and by Meta's template webhooks (PROTOCOL.md §10).
export const templates = pgTable(
  "templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    wabaId: text("waba_id").notNull(),
    // Meta's id, a string (webhooks send it as an integer; REST as a string).
    templateId: text("template_id").notNull(),
    name: text("name"),
    language: text("language"),
    status: text("status"),
    category: text("category"),
    quality: text("quality"),
    reason: text("reason"),
    components: jsonb("components"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("templates_waba_template_uq").on(t.wabaId, t.templateId)],
);
