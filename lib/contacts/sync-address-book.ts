import { eq } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { contacts } from "@/lib/db/schema";
import type { ContactSynced, PreferenceChanged } from "@/lib/whatsapp/events";
import { findContact, resolveContact } from "./resolve-contact";

/**
 * One address-book change from the owner's phone (PROTOCOL.md §5.3). Its name wins over the profile name;
 * "add" also means "edited"; "remove" clears the name but keeps the contact and its history.
 * Returns the contact id, or null when a removal names nobody we know.
 */
export async function syncAddressBookEntry(
  tx: Tx,
  wabaId: string,
  event: ContactSynced,
): Promise<string | null> {
  const { fullName, firstName, ...identity } = event.contact;
  if (event.action === "remove") {
    const existing = await findContact(tx, wabaId, identity);
    if (!existing) return null;
    await tx
      .update(contacts)
      .set({ addressBookName: null, addressBookSyncedAt: event.timestamp, updatedAt: new Date() })
      .where(eq(contacts.id, existing.id));
    return existing.id;
  }
  const { id } = await resolveContact(tx, wabaId, identity);
  await tx
    .update(contacts)
    .set({
      addressBookName: fullName ?? firstName ?? null,
      addressBookSyncedAt: event.timestamp,
      updatedAt: new Date(),
    })
    .where(eq(contacts.id, id));
  return id;
}

/** Marketing stop/resume from user_preferences (PROTOCOL.md §4.6), kept on the contact. */
export async function setMarketingPreference(
  tx: Tx,
  wabaId: string,
  event: PreferenceChanged,
): Promise<string> {
  const { id } = await resolveContact(tx, wabaId, event.customer);
  await tx
    .update(contacts)
    .set({ marketingPreference: event.value, marketingPreferenceAt: event.timestamp, updatedAt: new Date() })
    .where(eq(contacts.id, id));
  return id;
}
