import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addConversationNote, assignConversation, exportTranscript } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import {
  archiveAttribute,
  createAttribute,
  exportContacts,
  getContact,
  importContacts,
  listContacts,
  mergeContactsByHand,
  parseCsv,
  setContactAttributes,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("88");

async function collect(rows: AsyncGenerator<string>) {
  let text = "";
  for await (const chunk of rows) text += chunk;
  return text;
}

describe("the contacts API", () => {
  it("lists and gets contacts within scope, with aliases and conversations", async () => {
    const mine = await customer({ name: "Quinn Quartz" });
    const theirs = await customer({ name: "Rita Ruby" });
    await assignConversation({
      ctx: system,
      input: { conversationId: theirs.conversationId, team_id: ws.otherTeamId },
    });
    const page = await listContacts({ ctx: { actor: ws.supervisor }, input: { q: "quartz" } });
    expect(page.data.map((c) => c.id)).toEqual([mine.contactId]);
    await expect(
      getContact({ ctx: { actor: ws.supervisor }, input: { id: theirs.contactId } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const agentView = await getContact({ ctx: { actor: ws.agent }, input: { id: theirs.contactId } });
    expect(agentView).toMatchObject({ phone: theirs.phone, conversations: [{ id: theirs.conversationId }] });
  });

  it("filters the list by attribute values (attr.<key>=<value>, typed by the definition; 422 naming the param)", async () => {
    const defs = [
      await createAttribute({
        ctx: system,
        input: { key: "plan", label: "Plan", type: "select", options: ["Pro", "Basic"] },
      }),
      await createAttribute({ ctx: system, input: { key: "seats", label: "Seats", type: "number" } }),
      await createAttribute({ ctx: system, input: { key: "churned", label: "Churned", type: "boolean" } }),
    ];
    const pro25 = await customer();
    const pro3 = await customer();
    const basic25 = await customer();
    await setContactAttributes({
      ctx: system,
      input: { id: pro25.contactId, attributes: { plan: "Pro", seats: 25, churned: false } },
    });
    await setContactAttributes({
      ctx: system,
      input: { id: pro3.contactId, attributes: { plan: "Pro", seats: 3 } },
    });
    await setContactAttributes({
      ctx: system,
      input: { id: basic25.contactId, attributes: { plan: "Basic", seats: 25 } },
    });
    const ids = async (input: Record<string, string>) =>
      (await listContacts({ ctx: { actor: ws.supervisor }, input })).data.map((c) => c.id).sort();
    expect(await ids({ "attr.plan": "Pro" })).toEqual([pro25.contactId, pro3.contactId].sort());
    // Query-string values convert by type: "25.0" is the number 25, "pro" the option Pro, "no" false.
    expect(await ids({ "attr.plan": "pro", "attr.seats": "25.0" })).toEqual([pro25.contactId]);
    expect(await ids({ "attr.churned": "no" })).toEqual([pro25.contactId]);
    const field = (input: Record<string, string>) =>
      listContacts({ ctx: { actor: ws.supervisor }, input }).then(
        () => null,
        (e: unknown) => {
          expect(e).toBeInstanceOf(ValidationError);
          return { status: (e as ValidationError).status, field: (e as ValidationError).details?.field };
        },
      );
    expect(await field({ "attr.seats": "lots" })).toEqual({ status: 422, field: "attr.seats" });
    expect(await field({ "attr.plan": "Gold" })).toEqual({ status: 422, field: "attr.plan" });
    expect(await field({ "attr.nope": "x" })).toEqual({ status: 422, field: "attr.nope" });
    const old = await createAttribute({
      ctx: system,
      input: { key: "old_tier", label: "Old", type: "text" },
    });
    await archiveAttribute({ ctx: system, input: { id: old.id } });
    expect(await field({ "attr.old_tier": "x" })).toEqual({ status: 422, field: "attr.old_tier" });
    // Archived definitions leave the CSV columns the export test below expects.
    for (const def of defs) await archiveAttribute({ ctx: system, input: { id: def.id } });
  });

  it("merges two contacts by hand: one thread per number, the merged phone kept as an alias", async () => {
    const a = await customer({ name: "Sam One" });
    const b = await customer({ name: "Sam Two" });
    await expect(
      mergeContactsByHand({ ctx: { actor: ws.supervisor }, input: { id: b.contactId, into: a.contactId } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await getDb().execute(sql`update contacts set attributes = '{"plan":"Pro"}' where id = ${a.contactId}`);
    await getDb().execute(
      sql`update contacts set attributes = '{"plan":"Basic","seats":4}' where id = ${b.contactId}`,
    );
    const merged = await mergeContactsByHand({ ctx: system, input: { id: b.contactId, into: a.contactId } });
    expect(merged.conversations).toHaveLength(1);
    // The kept contact's values win; the merged one's fill the gaps.
    expect(merged.attributes).toEqual({ plan: "Pro", seats: 4 });
    expect(merged.aliases).toContainEqual({ kind: "phone", value: b.phone, reason: "merged" });
    const [count] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from messages where conversation_id = ${merged.conversations[0]!.id}`,
    );
    expect(count?.n).toBe(2);
    const other = await customer({ number: "B" });
    await getDb().execute(sql`update contacts set waba_id = 'another' where id = ${other.contactId}`);
    await expect(
      mergeContactsByHand({ ctx: system, input: { id: other.contactId, into: a.contactId } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("exports and imports the contact list as CSV, and a conversation as a transcript", async () => {
    const c = await customer({ name: "=HYPERLINK(evil)" });
    const csv = await collect(await exportContacts({ ctx: system, input: { numberId: ws.ids.A } }));
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([
      "id",
      "name",
      "phone",
      "username",
      "bsuid",
      "address_book_name",
      "profile_name",
      "created_at",
    ]);
    const row = rows.find((r) => r[0] === c.contactId)!;
    expect(row[6]).toBe("'=HYPERLINK(evil)");

    const result = await importContacts({
      ctx: system,
      input: {
        numberId: ws.ids.A,
        csv: `name,phone\n"Vera, VIP",+44 7000 880001\nNobody,12\n"Renamed",${c.phone}\n`,
      },
    });
    expect(result).toEqual({
      created: 1,
      updated: 1,
      errors: [{ line: 3, message: expect.stringMatching(/^phone/) }],
    });
    expect((await getContact({ ctx: system, input: { id: c.contactId } })).name).toBe("Renamed");
    await expect(
      importContacts({ ctx: { actor: ws.supervisor }, input: { numberId: ws.ids.A, csv: "phone\n1" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    await addConversationNote({
      ctx: { actor: ws.supervisor },
      input: { conversationId: c.conversationId, body: "call back" },
    });
    const transcript = await exportTranscript({
      ctx: { actor: ws.supervisor },
      input: { conversationId: c.conversationId },
    });
    expect(transcript.text).toMatch(/Customer: Hello\?/);
    expect(transcript.text).toMatch(/Private note by Sue Supervisor: call back/);
    const [audit] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action in ('contacts.exported', 'contacts.imported', 'conversation.exported')`,
    );
    expect(audit?.n).toBe(3);
  });
});
