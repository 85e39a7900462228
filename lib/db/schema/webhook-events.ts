import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

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
    // A history sync chunk (PROTOCOL.md §5.4), told apart at receipt: lanes claim those in batches of their own.
    history: boolean("history").notNull().default(false),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    // After a transient failure (deadlock, lost connection) the row waits until then before the next try.
    retryAt: timestamp("retry_at", { withTimezone: true }),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  // Workers claim the oldest pending row; a partial index keeps that scan tiny whatever the table size.
  (t) => [
    index("webhook_events_pending_idx")
      .on(t.id)
      .where(sql`${t.status} = 'pending'`),
    // A lane claiming history chunks must not walk a live backlog to find none.
    index("webhook_events_pending_history_idx")
      .on(t.id)
      .where(sql`${t.status} = 'pending' and ${t.history}`),
  ],
);
