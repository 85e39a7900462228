import { eq } from "drizzle-orm";
import { TransactionRollbackError } from "drizzle-orm/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, onDatabaseQuery, type Tx } from "@/lib/db/client";
import { contactAliases, contacts } from "@/lib/db/schema";
import type { CustomerIdentity } from "@/lib/whatsapp/events";
import { useTestDatabase } from "@/tests/int/db";
import { resolveContact, resolveContacts, type ResolvedContact } from "./index";

// resolveContacts (a history chunk's contacts at once) must give what resolveContact gives one identity
// after another: both run on the same contacts, each in a transaction rolled back, and are compared.

useTestDatabase();
const waba = "510000000000001";
const known = new Map<string, string>();

beforeAll(async () => {
  const rows = await getDb()
    .insert(contacts)
    .values([
      { wabaId: waba, phone: "447700900001", profileName: "Phone only" },
      { wabaId: waba, bsuid: "GB.b2", profileName: "BSUID only" },
      { wabaId: waba, bsuid: "GB.b3", phone: "447700900003", profileName: "Both" },
      { wabaId: waba, bsuid: "GB.b4", phone: "447700900004", profileName: "Changed BSUID" },
      { wabaId: waba, phone: "447700900099", profileName: "Changed phone" },
      { wabaId: waba, phone: "5511987654321", profileName: "Brazil with the 9" },
      { wabaId: waba, bsuid: "GB.b7", phone: "447700900007", profileName: "Number's old owner" },
      // Another WABA's contact is another business's customer.
      { wabaId: "510000000000002", bsuid: "GB.fresh8", phone: "447700900008", profileName: "Elsewhere" },
    ])
    .returning();
  for (const row of rows) known.set(row.profileName!, row.id);
  await getDb()
    .insert(contactAliases)
    .values([
      {
        contactId: known.get("Changed BSUID")!,
        wabaId: waba,
        kind: "bsuid",
        value: "GB.old4",
        reason: "test",
      },
      {
        contactId: known.get("Changed phone")!,
        wabaId: waba,
        kind: "phone",
        value: "447700900005",
        reason: "test",
      },
    ]);
});

const chunk: CustomerIdentity[] = [
  { bsuid: "GB.new1", phone: "447700900001", profileName: "Linked to a phone" },
  { bsuid: "GB.b2", phone: "447700900002", profileName: "Phone linked" },
  { bsuid: "GB.b3", phone: "447700900003", profileName: "Both" },
  { bsuid: "GB.old4", phone: "447700900004" },
  { bsuid: "GB.new5", phone: "447700900005" },
  { bsuid: "GB.new6", phone: "551187654321" },
  { bsuid: "GB.other7", phone: "447700900007", profileName: "Recycled number" },
  { bsuid: "GB.fresh8", phone: "447700900008", profileName: "Eight" },
  { bsuid: "GB.fresh8", phone: "447700900008", profileName: "Eight, renamed", parentBsuid: "GB.parent8" },
  { phone: "447700900009", profileName: "Phone only, new" },
  { bsuid: "GB.fresh10", phone: "447700900009" },
  { bsuid: "GB.user11", username: "@eleven" },
  { username: "@nobody" },
  { bsuid: "GB.fresh13", phone: "5511987650000" },
  { bsuid: "GB.fresh14", phone: "551187650000" },
  { bsuid: "GB.fresh15", phone: "447700900015", profileName: 'Quote " and \\ backslash, {braces}' },
  { bsuid: "GB.fresh8" },
  { bsuid: "GB.fresh17", phone: "+44 7700 900017" },
];

type Outcome = {
  results: { contact: string; created: boolean; knownAs: string | null }[];
  contacts: string[];
  statements: number;
};

/** Runs `resolve` in a transaction that is rolled back; returns what it resolved and left, ids aside. */
async function outcomeOf(resolve: (tx: Tx) => Promise<ResolvedContact[]>): Promise<Outcome> {
  let outcome: Outcome | undefined;
  await getDb()
    .transaction(async (tx) => {
      const queries: string[] = [];
      const stop = onDatabaseQuery((q) => queries.push(q));
      const resolved = await resolve(tx).finally(stop);
      const rows = await tx.select().from(contacts).where(eq(contacts.wabaId, waba));
      const describe = (id: string) => {
        const r = rows.find((row) => row.id === id);
        return JSON.stringify(r && [r.bsuid, r.phone, r.parentBsuid, r.username, r.profileName]);
      };
      const knownIds = new Map([...known].map(([name, id]) => [id, name]));
      outcome = {
        results: resolved.map((r) => ({
          contact: describe(r.id),
          created: r.created,
          knownAs: knownIds.get(r.id) ?? null,
        })),
        contacts: rows.map((r) => describe(r.id)).sort(),
        statements: queries.length,
      };
      tx.rollback();
    })
    .catch((error) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  return outcome!;
}

const oneByOne = (identities: CustomerIdentity[]) =>
  outcomeOf(async (tx) => {
    const out: ResolvedContact[] = [];
    for (const who of identities) out.push(await resolveContact(tx, waba, who));
    return out;
  });

describe("resolveContacts", () => {
  it("resolves a chunk exactly as resolveContact does one identity after another", async () => {
    const batch = await outcomeOf((tx) => resolveContacts(tx, waba, chunk));
    const sequential = await oneByOne(chunk);
    expect(batch.results).toEqual(sequential.results);
    expect(batch.contacts).toEqual(sequential.contacts);

    // The rules themselves, so that both paths breaking the same way is caught too.
    const r = batch.results;
    expect(r[0]).toMatchObject({ knownAs: "Phone only", contact: expect.stringContaining("GB.new1") });
    expect(r[1]).toMatchObject({ knownAs: "BSUID only", contact: expect.stringContaining("447700900002") });
    expect(r[2]).toMatchObject({ knownAs: "Both", created: false });
    expect(r[3]).toMatchObject({ knownAs: "Changed BSUID" });
    expect(r[4]).toMatchObject({ knownAs: "Changed phone", contact: expect.stringContaining("GB.new5") });
    expect(r[5]).toMatchObject({ knownAs: "Brazil with the 9", contact: expect.stringContaining("GB.new6") });
    // A phone bound to another BSUID is another person: a new contact, without the phone.
    expect(r[6]).toEqual({
      contact: JSON.stringify(["GB.other7", null, null, null, "Recycled number"]),
      created: true,
      knownAs: null,
    });
    expect(r[7]).toMatchObject({ created: true, knownAs: null });
    expect(r[8]).toMatchObject({ created: false, contact: r[7]!.contact });
    expect(r[7]!.contact).toBe(
      JSON.stringify(["GB.fresh8", "447700900008", "GB.parent8", null, "Eight, renamed"]),
    );
    expect(r[10]).toMatchObject({ created: false, contact: r[9]!.contact });
    expect(r[12]).toMatchObject({
      created: true,
      contact: JSON.stringify([null, null, null, "@nobody", null]),
    });
    expect(r[14]).toMatchObject({
      created: true,
      contact: JSON.stringify(["GB.fresh14", null, null, null, null]),
    });
    expect(r[16]).toMatchObject({ created: false, contact: r[7]!.contact });
    expect(r[17]).toMatchObject({ created: true, contact: expect.stringContaining('"447700900017"') });
  });

  it("creates a chunk of new people in a constant number of statements, like one by one", async () => {
    const people = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        bsuid: `FR.batch${n}x${i}`,
        phone: `3361${String(n * 1000 + i).padStart(8, "0")}`,
        profileName: `Batch ${i}`,
      }));
    const few = await outcomeOf((tx) => resolveContacts(tx, waba, people(5)));
    const many = await outcomeOf((tx) => resolveContacts(tx, waba, people(50)));
    expect(many.statements).toBe(few.statements);
    expect(many.results.every((r) => r.created)).toBe(true);
    const sequential = await oneByOne(people(50));
    expect(many.results).toEqual(sequential.results);
    expect(many.contacts).toEqual(sequential.contacts);
  });
});
