import { sql } from "drizzle-orm";
import { bigint, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { messages } from "./messages";

export const mediaState = pgEnum("media_state", ["pending", "stored", "unavailable", "too_large"]);

/**
 * Our copy of a message's media (PROTOCOL.md §8): Meta's media id expires after 7 days, so inbound and echo
 * media are downloaded at once and served from our storage only.
 */
export const media = pgTable(
  "media",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // One copy per message; goes with the message.
    messageId: uuid("message_id")
      .notNull()
      .unique()
      .references(() => messages.id, { onDelete: "cascade" }),
    metaMediaId: text("meta_media_id").notNull(),
    mimeType: text("mime_type"),
    // As the webhook gave it (base64); the download is checked against it.
    sha256: text("sha256"),
    fileSize: bigint("file_size", { mode: "number" }),
    filename: text("filename"),
    storageKey: text("storage_key"),
    state: mediaState("state").notNull().default("pending"),
    // Why the media is unavailable, in words an agent can read.
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    storedAt: timestamp("stored_at", { withTimezone: true }),
  },
  (t) => [
    // The recovery sweep looks for pending rows by age; the rest of the table is settled.
    index("media_pending_idx")
      .on(t.createdAt)
      .where(sql`${t.state} = 'pending'`),
  ],
);
