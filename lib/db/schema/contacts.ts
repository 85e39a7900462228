import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // BSUIDs are scoped to a business portfolio, so identity is (waba, bsuid), never bsuid alone.
    wabaId: text("waba_id").notNull(),
    bsuid: text("bsuid"),
    parentBsuid: text("parent_bsuid"),
    phone: text("phone"),
    username: text("username"),
    profileName: text("profile_name"),
    addressBookName: text("address_book_name"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Partial: a contact may have only a BSUID (username users) or, in old payloads, only a phone.
  (t) => [
    uniqueIndex("contacts_waba_bsuid_uq")
      .on(t.wabaId, t.bsuid)
      .where(sql`${t.bsuid} is not null`),
    uniqueIndex("contacts_waba_phone_uq")
      .on(t.wabaId, t.phone)
      .where(sql`${t.phone} is not null`),
  ],
);
