import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { addConversationNote, assignConversation, exportTranscript } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import {
  exportContacts,
  getContact,
  importContacts,
  listContacts,
  mergeContactsByHand,
  parseCsv,
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

  it("merges two contacts by hand: one thread per number, the merged phone kept as an alias", async () => {
    const a = await customer({ name: "Sam One" });
    const b = await customer({ name: "Sam Two" });
    await expect(
      mergeContactsByHand({ ctx: { actor: ws.supervisor }, input: { id: b.contactId, into: a.contactId } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const merged = await mergeContactsByHand({ ctx: system, input: { id: b.contactId, into: a.contactId } });
    expect(merged.conversations).toHaveLength(1);
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
