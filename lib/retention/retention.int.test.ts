import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { purgeExpired, setLegalHold, setNumberRetention } from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("87");

async function count(conversationId: string) {
  const [row] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`,
  );
  return row!.n;
}

describe("retention", () => {
  it("purges messages older than the number's retention, except under legal hold, and audits it", async () => {
    const [old, held, heldContact, fresh] = [
      await customer(),
      await customer(),
      await customer(),
      await customer(),
    ];
    for (const c of [old, held, heldContact])
      await getDb().execute(
        sql`update messages set timestamp = now() - interval '3 days' where conversation_id = ${c.conversationId}`,
      );
    await getDb().execute(sql`
      insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
      values (${old.conversationId}, 'note', 'user', 'x', '{"body":"old note"}', now() - interval '3 days')`);
    await expect(
      setNumberRetention({ ctx: { actor: ws.agent }, input: { numberId: ws.ids.A, days: 1 } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await setNumberRetention({ ctx: system, input: { numberId: ws.ids.A, days: 1 } });
    await setLegalHold({ ctx: system, input: { kind: "conversation", id: held.conversationId, hold: true } });
    await setLegalHold({ ctx: system, input: { kind: "contact", id: heldContact.contactId, hold: true } });

    const [result] = await purgeExpired({ ctx: system });
    expect(result).toMatchObject({ number_id: ws.ids.A, messages: 1, notes: 1 });
    expect(await count(old.conversationId)).toBe(0);
    expect(await count(held.conversationId)).toBe(1);
    expect(await count(heldContact.conversationId)).toBe(1);
    expect(await count(fresh.conversationId)).toBe(1);
    const [audit] = await getDb().execute<{ data: { messages: number } }>(
      sql`select data from audit_log where action = 'retention.purged' and entity_id = ${ws.ids.A}`,
    );
    expect(audit?.data.messages).toBe(1);

    // Lifting the hold lets the next run purge it.
    await setLegalHold({
      ctx: system,
      input: { kind: "conversation", id: held.conversationId, hold: false },
    });
    await purgeExpired({ ctx: system });
    expect(await count(held.conversationId)).toBe(0);
  });
});
