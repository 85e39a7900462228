import { sql } from "drizzle-orm";
import { bigint, customType, index, integer, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const webhookEventStatus = pgEnum("webhook_event_status", ["pending", "processed", "failed"]);

// Append-only store of every signed webhook body exactly as received: the durability point of ingestion.
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    // Raw bytes, not jsonb: the signature covers the exact bytes and a malformed body must be kept too.
    body: bytea("body").notNull(),
    status: webhookEventStatus("status").notNull().default("pending"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  // The recovery sweep only ever looks at pending rows; a partial index keeps that scan tiny.
  (t) => [
    index("webhook_events_pending_idx")
      .on(t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);
