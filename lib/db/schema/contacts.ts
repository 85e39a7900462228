import { sql } from "drizzle-orm";
import {
  integer,
  index,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

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
    // From the owner's phone (smb_app_state_sync): shown before the untrusted profile name.
    addressBookName: text("address_book_name"),
    addressBookSyncedAt: timestamp("address_book_synced_at", { withTimezone: true }),
    // user_preferences (PROTOCOL.md §4.6): "stop" suppresses marketing to this contact.
    marketingPreference: text("marketing_preference"),
    marketingPreferenceAt: timestamp("marketing_preference_at", { withTimezone: true }),
    // Legal hold: nothing of this contact's is purged by retention while set.
    legalHoldAt: timestamp("legal_hold_at", { withTimezone: true }),
    // Custom attribute values keyed by contact_attribute_definitions.key: one column keeps CSV export a
    // plain select and filtering a `attributes @> '{"plan":"pro"}'` (contacts_attributes_gin_idx below).
    // Archiving a definition leaves its values here; keys never change, so values never need rewriting.
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
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
    // Search by any part of a name, phone, username or BSUID (ILIKE '%q%' through trigrams).
    index("contacts_search_trgm_idx").using("gin", sql`(${contactSearchText(t)}) gin_trgm_ops`),
    // Attribute equality filters (campaign segments, the contacts list) are `attributes @> {...}`.
    index("contacts_attributes_gin_idx").using("gin", t.attributes.op("jsonb_path_ops")),
  ],
);

/** Everything a contact is searched by, as one lower-case string; queries must use the same expression. */
export function contactSearchText(t: {
  addressBookName: unknown;
  profileName: unknown;
  username: unknown;
  phone: unknown;
  bsuid: unknown;
}) {
  return sql`lower(coalesce(${t.addressBookName}, '') || ' ' || coalesce(${t.profileName}, '') || ' ' || coalesce(${t.username}, '') || ' ' || coalesce(${t.phone}, '') || ' ' || coalesce(${t.bsuid}, ''))`;
}

export const contactAliasKind = pgEnum("contact_alias_kind", ["bsuid", "parent_bsuid", "phone"]);

// Earlier identities of a contact (old BSUIDs and phones after a change): resolution checks them too,
// so a late message to an old id lands in the same thread instead of creating a duplicate.
export const contactAliases = pgTable(
  "contact_aliases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    wabaId: text("waba_id").notNull(),
    kind: contactAliasKind("kind").notNull(),
    value: text("value").notNull(),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("contact_aliases_waba_kind_value_uq").on(t.wabaId, t.kind, t.value),
    index("contact_aliases_contact_idx").on(t.contactId),
  ],
);

export const contactAttributeType = pgEnum("contact_attribute_type", [
  "text",
  "number",
  "date",
  "boolean",
  "select",
]);

// Workspace-wide definitions of custom contact fields (admins define, agents fill in on the contact panel).
export const contactAttributeDefinitions = pgTable(
  "contact_attribute_definitions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Slug used as the key in contacts.attributes and the CSV column `attr:<key>`; immutable once created.
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: contactAttributeType("type").notNull(),
    // Allowed values of a select; empty for the other types.
    options: text("options")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    position: integer("position").notNull().default(0),
    // Archived definitions are hidden from the contact panel but keep their values and their key.
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Unique across archived ones too: reusing a key would resurrect the archived values under a new meaning.
  (t) => [uniqueIndex("contact_attribute_definitions_key_uq").on(t.key)],
);
