import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { messages } from "./messages";
import { phoneNumbers } from "./numbers";
import { users } from "./users";

export const sendState = pgEnum("send_state", ["queued", "sending", "accepted", "failed", "held"]);

/**
 * The outbound queue's source of truth, one row per message we send (DESIGN.md "Outbound"). pg-boss jobs
 * only wake workers; a worker claims the row (queued → sending) before the Graph call, so duplicate jobs
 * are harmless, and a sweep re-queues rows a crashed worker left behind.
 */
export const outboundSends = pgTable(
  "outbound_sends",
  {
    messageId: uuid("message_id")
      .primaryKey()
      .references(() => messages.id, { onDelete: "cascade" }),
    phoneNumberId: uuid("phone_number_id")
      .notNull()
      .references(() => phoneNumbers.id),
    state: sendState("state").notNull().default("queued"),
    // Why a `held` row waits: its number's sending is paused ("number") or its campaign is ("campaign");
    // each resume releases only its own.
    holdReason: text("hold_reason"),
    // What the client asked for (our ids); resolved to Meta's ids (media, template, context) at send time.
    input: jsonb("input").notNull(),
    recipientPhone: text("recipient_phone"),
    recipientBsuid: text("recipient_bsuid"),
    // agent 0, bot 1, campaign 2: agents first when a number is at its limit.
    priority: integer("priority").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    // The pg-boss job that will run this send: the sweep re-enqueues a queued row only when that job is gone.
    jobId: uuid("job_id"),
    // Set when a worker claims the row for a Graph call; a lapsed lease means the worker died.
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    callStartedAt: timestamp("call_started_at", { withTimezone: true }),
    lastError: jsonb("last_error"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    settledAt: timestamp("settled_at", { withTimezone: true }),
  },
  (t) => [
    // The sweep and the per-number resume look only at unsettled rows.
    index("outbound_sends_open_idx")
      .on(t.phoneNumberId, t.nextAttemptAt)
      .where(sql`${t.state} in ('queued', 'sending', 'held')`),
  ],
);

/**
 * Rate limiters shared by every process (GCRA): `tat` is the theoretical arrival time of the next send
 * on that key (a number, a number+recipient pair, a user). One row update per send, no background work.
 */
export const sendRateLimits = pgTable("send_rate_limits", {
  key: text("key").primaryKey(),
  tat: timestamp("tat", { withTimezone: true }).notNull(),
});

/** Files an agent attached before sending; copied into the message's media when it is sent. */
export const outboundUploads = pgTable("outbound_uploads", {
  id: uuid("id").primaryKey().defaultRandom(),
  storageKey: text("storage_key").notNull(),
  mimeType: text("mime_type").notNull(),
  filename: text("filename"),
  fileSize: bigint("file_size", { mode: "number" }).notNull(),
  uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
