import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { addNumber } from "@/lib/numbers";
import { useTestDatabase } from "@/tests/int/db";
import { listTemplates } from "./index";
import { countTemplateUsage } from "./queries";

useTestDatabase();
const system = { actor: systemActor("test") };
const WABA = "430000000000001";

describe("template usage counts", () => {
  it("counts messages sent with each template (failed ones excluded) through the partial index", async () => {
    const number = await addNumber({
      ctx: system,
      input: { wabaId: WABA, phoneNumberId: "530000000000001", displayNumber: "+31 20 000 0002" },
    });
    const tpl = await getDb().execute<{ id: string; name: string }>(sql`
      insert into templates (waba_id, template_id, name, language, status, category, quality)
      values (${WABA}, 't1', 'order_update', 'en', 'APPROVED', 'UTILITY', 'GREEN'),
             (${WABA}, 't2', 'welcome', 'en', 'APPROVED', 'MARKETING', null),
             (${WABA}, 't3', 'unused', 'en', 'PENDING', 'UTILITY', null)
      returning id, name`);
    const id = (name: string) => tpl.find((t) => t.name === name)!.id;
    const [contact] = await getDb().execute<{ id: string }>(
      sql`insert into contacts (waba_id, phone) values (${WABA}, '31600000001') returning id`,
    );
    const [conversation] = await getDb().execute<{ id: string }>(sql`
      insert into conversations (contact_id, phone_number_id, status)
      values (${contact!.id}, ${number.id}, 'open') returning id`);
    const send = (templateId: string, status: string) => sql`
      (${conversation!.id}, 'outbound', 'agent', 'template',
       ${JSON.stringify({ type: "template", template_id: templateId })}::jsonb, ${status}::message_status, now())`;
    await getDb().execute(sql`
      insert into messages (conversation_id, direction, source, type, content, status, timestamp) values
      ${sql.join(
        [
          send(id("order_update"), "delivered"),
          send(id("order_update"), "read"),
          send(id("order_update"), "failed"),
          send(id("welcome"), "sent"),
        ],
        sql`, `,
      )}`);
    // A text message that happens to carry the key is not a template send.
    await getDb().execute(sql`
      insert into messages (conversation_id, direction, source, type, text, content, status, timestamp)
      values (${conversation!.id}, 'outbound', 'agent', 'text', 'hi',
              ${JSON.stringify({ template_id: id("unused") })}::jsonb, 'sent', now())`);

    const page = await listTemplates({ ctx: system, input: { wabaId: WABA } });
    const usage = Object.fromEntries(page.data.map((t) => [t.name, t.usage_count]));
    expect(usage).toEqual({ order_update: 2, welcome: 1, unused: 0 });
    expect(page.data.find((t) => t.name === "order_update")).toMatchObject({
      status: "APPROVED",
      category: "UTILITY",
      quality: "GREEN",
    });

    // The count must be answerable from messages_template_idx, never a scan of every message.
    const plan = await getDb().transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = on`);
      const rows = await tx.execute<{ "QUERY PLAN": string }>(sql`
        explain select content->>'template_id', count(*) from messages
        where type = 'template' and content->>'template_id' in (${id("welcome")}, ${id("unused")})
          and status is distinct from 'failed' group by 1`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("messages_template_idx");
    expect((await countTemplateUsage(getDb(), [])).size).toBe(0);
  });
});
