import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { contactAliases, contacts } from "@/lib/db/schema";
import type { CustomerIdentity } from "@/lib/whatsapp/events";
import { phoneVariants } from "./phone-variants";

export type ContactRow = typeof contacts.$inferSelect;
export type ResolvedContact = { id: string; created: boolean };

/**
 * Finds the contact for an identity within one WABA (DESIGN.md "Identity"): by BSUID, then by phone (in
 * every form Meta may use, see phoneVariants), each also among earlier ids kept as aliases. A phone bound
 * to another BSUID is another person (a recycled number); merging is identity-change's job.
 */
export async function findContact(
  tx: Tx,
  wabaId: string,
  who: CustomerIdentity,
): Promise<ContactRow | undefined> {
  if (who.bsuid) {
    const byBsuid = await byField(tx, wabaId, "bsuid", [who.bsuid]);
    if (byBsuid) return byBsuid;
  }
  if (who.phone) {
    const byPhone = await byField(tx, wabaId, "phone", phoneVariants(who.phone));
    if (byPhone && (!byPhone.bsuid || !who.bsuid)) return byPhone;
  }
  return undefined;
}

/**
 * Contacts read ahead for a batch of messages, by (WABA, BSUID), in one query (most messages come from a
 * known contact found by its BSUID): resolveContact then skips its own look-up for them. Only a hit is
 * trusted; a miss takes the usual path. The caller forgets everything when an event that may change
 * contacts some other way (identity change, address-book sync) applies, or when an event rolls back.
 */
export class ContactLookahead {
  private rows = new Map<string, ContactRow>();

  async prefetch(tx: Tx, wanted: { wabaId: string; bsuid: string }[]): Promise<void> {
    // NUL cannot be in a Postgres text (such an id matches no contact; its own look-up reports it).
    const fresh = wanted.filter(
      ({ wabaId, bsuid }) => !this.rows.has(key(wabaId, bsuid)) && !`${wabaId}${bsuid}`.includes("\u0000"),
    );
    if (fresh.length === 0) return;
    const found = await tx
      .select()
      .from(contacts)
      .where(
        sql`(${contacts.wabaId}, ${contacts.bsuid}) in (select * from unnest(${`{${fresh.map((w) => quoted(w.wabaId)).join(",")}}`}::text[], ${`{${fresh.map((w) => quoted(w.bsuid)).join(",")}}`}::text[]))`,
      );
    for (const row of found) if (row.bsuid) this.rows.set(key(row.wabaId, row.bsuid), row);
  }

  get(wabaId: string, bsuid: string | undefined): ContactRow | undefined {
    return bsuid ? this.rows.get(key(wabaId, bsuid)) : undefined;
  }

  /** The contact as this batch just wrote it (its BSUID never changes once set). */
  update(row: ContactRow): void {
    if (row.bsuid && this.rows.has(key(row.wabaId, row.bsuid)))
      this.rows.set(key(row.wabaId, row.bsuid), row);
  }

  clear(): void {
    this.rows.clear();
  }
}

const key = (wabaId: string, bsuid: string) => `${wabaId}\u0000${bsuid}`;
// A Postgres array literal element: quoted, with backslashes and quotes escaped.
const quoted = (value: string) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

/** Finds or creates the contact, linking whatever half of the identity it did not have yet. */
export async function resolveContact(
  tx: Tx,
  wabaId: string,
  who: CustomerIdentity,
  lookahead?: ContactLookahead,
): Promise<ResolvedContact> {
  // A read-ahead hit is what findContact's first look-up (by BSUID) would have returned.
  const existing = lookahead?.get(wabaId, who.bsuid) ?? (await findContact(tx, wabaId, who));
  if (existing) {
    const next = {
      bsuid: existing.bsuid ?? (await freeValue(tx, wabaId, "bsuid", who.bsuid)),
      phone: existing.phone ?? (await freeValue(tx, wabaId, "phone", who.phone)),
      parentBsuid: who.parentBsuid ?? existing.parentBsuid,
      username: who.username ?? existing.username,
      profileName: who.profileName ?? existing.profileName,
    };
    // Most messages come from a known, unchanged contact: skip the write (and its row lock) then.
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((key) => next[key] !== existing[key]);
    if (changed) {
      const updatedAt = new Date();
      await tx
        .update(contacts)
        .set({ ...next, updatedAt })
        .where(eq(contacts.id, existing.id));
      lookahead?.update({ ...existing, ...next, updatedAt });
    }
    return { id: existing.id, created: false };
  }
  const phone = await freeValue(tx, wabaId, "phone", who.phone);
  // Concurrent workers may create the same contact: the unique indexes decide, then we re-read.
  const inserted = await tx.execute<{ id: string }>(sql`
    insert into contacts (waba_id, bsuid, parent_bsuid, phone, username, profile_name)
    values (${wabaId}, ${who.bsuid ?? null}, ${who.parentBsuid ?? null}, ${phone},
            ${who.username ?? null}, ${who.profileName ?? null})
    on conflict do nothing
    returning id`);
  const row = inserted[0];
  if (row) return { id: row.id, created: true };
  const winner = await findContact(tx, wabaId, { ...who, phone: phone ?? undefined });
  if (!winner) throw new Error("contact insert conflicted but no contact was found");
  return { id: winner.id, created: false };
}

async function byField(
  tx: Tx,
  wabaId: string,
  kind: "bsuid" | "phone",
  values: string[],
): Promise<ContactRow | undefined> {
  if (values.length === 0) return undefined;
  const column = kind === "bsuid" ? contacts.bsuid : contacts.phone;
  const [direct] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.wabaId, wabaId), inArray(column, values)))
    .limit(1);
  if (direct) return direct;
  const [aliased] = await tx
    .select({ contact: contacts })
    .from(contactAliases)
    .innerJoin(contacts, eq(contacts.id, contactAliases.contactId))
    .where(
      and(
        eq(contactAliases.wabaId, wabaId),
        eq(contactAliases.kind, kind),
        inArray(contactAliases.value, values),
      ),
    )
    .limit(1);
  return aliased?.contact;
}

/** The value if no contact holds it (in any form) yet, else null: never steal another contact's id. */
async function freeValue(tx: Tx, wabaId: string, kind: "bsuid" | "phone", value: string | undefined) {
  if (!value) return null;
  const values = kind === "phone" ? phoneVariants(value) : [value];
  const column = kind === "bsuid" ? contacts.bsuid : contacts.phone;
  const [taken] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.wabaId, wabaId), inArray(column, values)))
    .limit(1);
  return taken ? null : kind === "phone" ? (values[0] ?? null) : value;
}

/**
 * resolveContact for many identities at once (a history chunk's threads), with the same results as calling
 * it for each in order. Two look-ups read what the identities may match (contacts by BSUID, by phone in
 * every form, and aliases of either); an identity that matches nothing and shares no id with an earlier one
 * is certainly new and is created in one INSERT with the others like it. Everything else (known contacts,
 * links, repeats within the batch, username-only, rows a concurrent writer took first) goes through
 * resolveContact itself, in order, after that INSERT: those never touch the new contacts' ids.
 */
export async function resolveContacts(
  tx: Tx,
  wabaId: string,
  identities: CustomerIdentity[],
): Promise<ResolvedContact[]> {
  // NUL cannot be in a Postgres text: such an identity is left to resolveContact, which reports it.
  const usable = (value: string | undefined) => value !== undefined && !value.includes("\u0000");
  // The direct BSUID matches (findContact's first look-up); takenIds reads the rest.
  const lookahead = new ContactLookahead();
  await lookahead.prefetch(
    tx,
    identities.flatMap((who) => (who.bsuid ? [{ wabaId, bsuid: who.bsuid }] : [])),
  );
  const keysOf = (who: CustomerIdentity) => [
    ...(who.bsuid ? [`bsuid:${who.bsuid}`] : []),
    ...(who.phone ? phoneVariants(who.phone).map((p) => `phone:${p}`) : []),
  ];
  const taken = await takenIds(
    tx,
    wabaId,
    identities.flatMap((who) => (usable(who.bsuid) ? [who.bsuid!] : [])),
    identities.flatMap((who) => (who.phone ? phoneVariants(who.phone) : [])),
  );
  const fresh: number[] = [];
  const seen = new Set<string>();
  for (const [i, who] of identities.entries()) {
    const keys = keysOf(who);
    const repeat = keys.some((k) => seen.has(k));
    for (const k of keys) seen.add(k);
    const clean = [who.bsuid, who.parentBsuid, who.username, who.profileName].every(
      (v) => v === undefined || usable(v),
    );
    if (who.bsuid && clean && !repeat && !lookahead.get(wabaId, who.bsuid) && !keys.some((k) => taken.has(k)))
      fresh.push(i);
  }

  const results: (ResolvedContact | undefined)[] = new Array(identities.length);
  if (fresh.length > 0) {
    // Each is what resolveContact's own INSERT would write: the phone in its first form (freeValue).
    const column = (pick: (who: CustomerIdentity) => string | null | undefined) =>
      `{${fresh.map((i) => nullable(pick(identities[i]!))).join(",")}}`;
    const inserted = await tx.execute<{ id: string; bsuid: string }>(sql`
      insert into contacts (waba_id, bsuid, parent_bsuid, phone, username, profile_name)
      select ${wabaId}::text, * from unnest(${column((w) => w.bsuid)}::text[], ${column((w) => w.parentBsuid)}::text[],
        ${column((w) => (w.phone ? phoneVariants(w.phone)[0] : null))}::text[], ${column((w) => w.username)}::text[],
        ${column((w) => w.profileName)}::text[])
      on conflict do nothing
      returning id, bsuid`);
    const byBsuid = new Map(inserted.map((row) => [row.bsuid, row.id]));
    for (const i of fresh) {
      const id = byBsuid.get(identities[i]!.bsuid!);
      if (id) results[i] = { id, created: true };
    }
  }
  for (const [i, who] of identities.entries())
    results[i] ??= await resolveContact(tx, wabaId, who, lookahead);
  return results as ResolvedContact[];
}

/** Which of these phones a contact of the WABA holds, and which BSUIDs or phones are aliases ("bsuid:…"). */
async function takenIds(tx: Tx, wabaId: string, bsuids: string[], phones: string[]): Promise<Set<string>> {
  if (bsuids.length === 0 && phones.length === 0) return new Set();
  const b = `{${bsuids.map(quoted).join(",")}}`;
  const p = `{${phones.map(quoted).join(",")}}`;
  const rows = await tx.execute<{ k: string }>(sql`
    select 'phone:' || phone as k from contacts where waba_id = ${wabaId} and phone = any(${p}::text[])
    union all
    select kind::text || ':' || value from contact_aliases
    where waba_id = ${wabaId} and ((kind = 'bsuid' and value = any(${b}::text[])) or (kind = 'phone' and value = any(${p}::text[])))`);
  return new Set(rows.map((row) => row.k));
}

// A Postgres array literal element that may be NULL.
const nullable = (value: string | null | undefined) => (value == null ? "NULL" : quoted(value));
