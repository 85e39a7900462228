import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { contacts } from "@/lib/db/schema";
import type { CustomerIdentity } from "@/lib/whatsapp/events";

export type ResolvedContact = { id: string; created: boolean };

/**
 * Finds or creates the contact for a customer identity within one WABA (DESIGN.md "Identity"):
 * by BSUID first, then by phone; when a payload carries both, the missing half is linked.
 * Phone-change merges (a new BSUID for a known contact) arrive as system messages and are a separate verb.
 */
export async function resolveContact(
  tx: Tx,
  wabaId: string,
  who: CustomerIdentity,
): Promise<ResolvedContact> {
  const existing = await findExisting(tx, wabaId, who);
  if (existing) {
    const next = {
      bsuid: existing.bsuid ?? who.bsuid ?? null,
      phone: existing.phone ?? (await phoneIfFree(tx, wabaId, who.phone)),
      parentBsuid: who.parentBsuid ?? existing.parentBsuid,
      username: who.username ?? existing.username,
      profileName: who.profileName ?? existing.profileName,
    };
    // Most messages come from a known, unchanged contact: skip the write (and its row lock) then.
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((key) => next[key] !== existing[key]);
    if (changed)
      await tx
        .update(contacts)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(contacts.id, existing.id));
    return { id: existing.id, created: false };
  }
  // A phone held by a contact with another BSUID stays there (a recycled number is a new person; identity
  // merges arrive as system messages). Concurrent workers may create the same contact: the unique indexes
  // decide, then we re-read.
  const phone = await phoneIfFree(tx, wabaId, who.phone);
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into contacts (waba_id, bsuid, parent_bsuid, phone, username, profile_name)
    values (${wabaId}, ${who.bsuid ?? null}, ${who.parentBsuid ?? null}, ${phone},
            ${who.username ?? null}, ${who.profileName ?? null})
    on conflict do nothing
    returning id`);
  const row = inserted[0];
  if (row) return { id: row.id, created: true };
  const winner = await findExisting(tx, wabaId, { ...who, phone: phone ?? undefined });
  if (!winner) throw new Error("contact insert conflicted but no contact was found");
  return { id: winner.id, created: false };
}

async function findExisting(tx: Tx, wabaId: string, who: CustomerIdentity) {
  if (who.bsuid) {
    const [byBsuid] = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.wabaId, wabaId), eq(contacts.bsuid, who.bsuid)))
      .limit(1);
    if (byBsuid) return byBsuid;
  }
  if (who.phone) {
    const [byPhone] = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.wabaId, wabaId), eq(contacts.phone, who.phone)))
      .limit(1);
    // A phone already bound to another BSUID is a different identity; merging is the identity verb's job.
    if (byPhone && (!byPhone.bsuid || !who.bsuid)) return byPhone;
  }
  return undefined;
}

async function phoneIfFree(tx: Tx, wabaId: string, phone: string | undefined): Promise<string | null> {
  if (!phone) return null;
  const [taken] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.wabaId, wabaId), eq(contacts.phone, phone)))
    .limit(1);
  return taken ? null : phone;
}
