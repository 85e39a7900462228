import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createCampaign, startCampaign } from "@/lib/campaigns";
import { recordConsent, setConsentKeyword } from "@/lib/consent";
import type { Actor } from "@/lib/auth/actor";
import { getDb, type Tx } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { pauseNumberSending, resumeNumberSending, sendMessage } from "@/lib/messaging";
import { addNumber } from "@/lib/numbers";
import { applyTemplateUpdate } from "@/lib/templates";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { exportAudit } from "./export-audit";
import { verifyAuditChain } from "./verify";

// The issue's audit coverage: each existing verb writes its row in the transaction of the change, so a
// rolled-back change leaves no row and a committed one exactly one.
useTestDatabase();
const { ws, customer, templateId } = useSimWorkspace("73");

class Rollback extends Error {}

async function count(action: string, entityId?: string): Promise<number> {
  const [row] = await getDb().execute<{ n: number }>(sql`
    select count(*)::int as n from audit_log
    where action = ${action} ${entityId ? sql`and entity_id = ${entityId}` : sql``}`);
  return row!.n;
}

/** Runs the verb inside an outer transaction twice: rolled back (no row), then committed (one row). */
async function auditedWithTheChange(
  action: string,
  run: (ctx: Ctx) => Promise<unknown>,
  actor = system.actor,
) {
  const before = await count(action);
  await expect(
    getDb().transaction(async (tx) => {
      await run({ actor, db: tx });
      expect(await tx.execute(sql`select 1 from audit_log where action = ${action}`)).toHaveLength(
        before + 1,
      );
      throw new Rollback();
    }),
  ).rejects.toBeInstanceOf(Rollback);
  expect(await count(action)).toBe(before);
  await getDb().transaction((tx) => run({ actor, db: tx }));
  expect(await count(action)).toBe(before + 1);
}

describe("audit coverage of the existing verbs", () => {
  it("number added, sending paused and resumed", async () => {
    await auditedWithTheChange("number.added", (ctx) =>
      addNumber({
        ctx,
        input: { wabaId: "9731", phoneNumberId: "9732", displayNumber: "+1 555 9732", coexistence: false },
      }),
    );
    const error = describeSendError(131042);
    await auditedWithTheChange("number.sending_paused", (ctx) =>
      pauseNumberSending({ ctx, input: { numberId: ws.ids.B, error } }),
    );
    await auditedWithTheChange("number.sending_resumed", (ctx) =>
      resumeNumberSending({ ctx, input: { numberId: ws.ids.B } }),
    );
  });

  it("every send, free text or template; a refused send writes no send row", async () => {
    const c = await customer();
    const sent = await sendMessage({
      ctx: { actor: ws.supervisor },
      input: { conversationId: c.conversationId, message: { type: "text", text: "Hello from us" } },
    });
    expect(await count("message.sent", sent.message.id)).toBe(1);
    const template = await sendMessage({
      ctx: { actor: ws.supervisor },
      input: {
        conversationId: c.conversationId,
        message: {
          type: "template",
          template_id: await templateId("hello_world"),
          variables: { "1": "Ann" },
        },
      },
    });
    expect(await count("message.template_sent", template.message.id)).toBe(1);
    const before = await count("message.sent");
    await expect(
      sendMessage({
        ctx: { actor: ws.supervisor },
        input: {
          conversationId: c.conversationId,
          message: {
            type: "text",
            text: "quoting nothing",
            reply_to: "00000000-0000-4000-8000-000000000000",
          },
        },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await count("message.sent")).toBe(before);
  });

  it("consent recorded by a person, and the opt-out keywords", async () => {
    const c = await customer();
    await auditedWithTheChange(
      "consent.opt_in",
      (ctx) => recordConsent({ ctx, input: { contactId: c.contactId, state: "opt_in", reason: "in store" } }),
      ws.supervisor,
    );
    await auditedWithTheChange("consent.keyword_set", (ctx) =>
      setConsentKeyword({ ctx, input: { keyword: "unsubscribe me", state: "opt_out" } }),
    );
  });

  it("campaign started", async () => {
    const c = await customer();
    await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: c.contactId, state: "opt_in" },
    });
    const campaign = await createCampaign({
      ctx: { actor: ws.supervisor },
      input: {
        name: "Audited",
        number_id: ws.ids.A,
        template_id: await templateId("hello_world"),
        variables: { "1": "there" },
        segment: { source: "contacts", contact_ids: [c.contactId] },
      },
    });
    expect(await count("campaign.created", campaign.id)).toBe(1);
    await startCampaign({ ctx: { actor: ws.supervisor }, input: { id: campaign.id } });
    expect(await count("campaign.started", campaign.id)).toBe(1);
  });

  it("template status changes from Meta, once per change (webhook replays add nothing)", async () => {
    const id = await templateId("hello_world");
    const [template] = await getDb().execute<{ template_id: string }>(
      sql`select template_id from templates where id = ${id}`,
    );
    const event = {
      kind: "template.updated" as const,
      wabaId: ws.numberA.wabaId,
      templateId: template!.template_id,
      name: "hello_world",
      language: "en_US",
      change: { type: "status" as const, event: "PAUSED", reason: "low quality", category: null },
      timestamp: new Date(),
    };
    await auditedWithTheChange("template.status_changed", (ctx) => applyTemplateUpdate(ctx.db as Tx, event));
    await getDb().transaction((tx) => applyTemplateUpdate(tx, event));
    expect(await count("template.status_changed", id)).toBe(1);
  });

  it("exports, and the chain still verifies after all of it", async () => {
    const before = await count("audit.exported");
    const admin: Actor = { type: "user", id: crypto.randomUUID(), role: "admin", teamIds: [] };
    const { body } = await exportAudit({ ctx: { actor: admin }, input: { action: "number." } });
    const csv = await new Response(body).text();
    expect(csv.split("\r\n")[0]).toBe(
      "id,at,actor_type,actor_id,actor_name,action,entity_type,entity_id,data,hash",
    );
    expect(csv).toMatch(/number\.added/);
    expect(await count("audit.exported")).toBe(before + 1);
    expect(await verifyAuditChain(getDb())).toMatchObject({ ok: true });
  });
});
