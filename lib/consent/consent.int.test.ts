import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { sendMessage, SendRefusedError } from "@/lib/messaging";
import { DELETE as deleteKeywordRoute } from "@/app/api/v1/consent/keywords/[keyword]/route";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import { getContactConsent, moveConsents, recordConsent, setConsentKeyword } from "./index";

useTestDatabase();
const { ws, customer, templateId, drain, settle } = useSimWorkspace("71");

async function consentEvents(contactId: string) {
  return getDb().execute<{ state: string; source: string; category: string; dedupe_key: string | null }>(sql`
    select state, source, category, dedupe_key from consent_events where contact_id = ${contactId} order by id`);
}

async function current(contactId: string, category = "marketing") {
  const [row] = await getDb().execute<{ state: string; source: string }>(
    sql`select state, source from consents where contact_id = ${contactId} and category = ${category}`,
  );
  return row;
}

async function auditActions(contactId: string) {
  const rows = await getDb().execute<{ action: string }>(
    sql`select action from audit_log where entity_type = 'contact' and entity_id = ${contactId} order by id`,
  );
  return rows.map((r) => r.action);
}

/** The stored webhook that carried a message, stored and applied a second time: Meta's re-delivery. */
async function redeliver(wamid: string) {
  const [row] = await getDb().execute<{ body: Buffer }>(
    sql`select body from webhook_events where convert_from(body, 'UTF8')::jsonb::text like ${`%${wamid}%`} order by id limit 1`,
  );
  const eventId = await storeWebhookEvent(row!.body);
  await applyWebhookEvent({ ctx: { actor: systemActor("test") }, input: { eventId } });
}

describe("STOP/START keywords", () => {
  it("a customer's STOP records a marketing opt-out once, with a timeline event and an audit entry", async () => {
    const c = await customer();
    const sent = ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "  Stop! ",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    expect(await current(c.contactId)).toEqual({ state: "opt_out", source: "keyword" });
    await redeliver(sent.id);
    await redeliver(sent.id);
    const events = await consentEvents(c.contactId);
    expect(events).toEqual([
      { state: "opt_out", source: "keyword", category: "marketing", dedupe_key: `keyword:${sent.id}` },
    ]);
    const timeline = await getDb().execute<{ type: string; actor_type: string }>(sql`
      select type, actor_type from conversation_events where conversation_id = ${c.conversationId} and type like 'consent_%'`);
    expect(timeline).toEqual([{ type: "consent_opt_out", actor_type: "customer" }]);
    expect((await auditActions(c.contactId)).filter((a) => a === "consent.opt_out")).toHaveLength(1);

    ws.sim.state.customerSend(c.simId, { type: "text", text: "START", numberId: ws.numberA.phoneNumberId });
    await settle();
    expect(await current(c.contactId)).toEqual({ state: "opt_in", source: "keyword" });
  });

  it("multilingual defaults match; a sentence containing stop does not", async () => {
    const c = await customer();
    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "Please stop sending me the invoice twice",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    expect(await consentEvents(c.contactId)).toEqual([]);
    ws.sim.state.customerSend(c.simId, { type: "text", text: "ARRÊT", numberId: ws.numberA.phoneNumberId });
    await settle();
    expect(await current(c.contactId)).toMatchObject({ state: "opt_out" });
  });

  it('tapping a marketing template\'s "Stop promotions" quick reply is an opt-out too', async () => {
    const c = await customer();
    ws.sim.state.customerSend(c.simId, {
      type: "button",
      payload: "STOP_PROMOTIONS",
      text: "Stop promotions",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    expect(await current(c.contactId)).toEqual({ state: "opt_out", source: "keyword" });
  });

  it("echoes from the owner's phone containing STOP do nothing", async () => {
    const c = await customer();
    const echo = ws.sim.state.ownerSend(c.simId, {
      type: "text",
      text: "STOP",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    const [stored] = await getDb().execute<{ source: string }>(
      sql`select source from messages where wamid = ${echo.id}`,
    );
    expect(stored?.source).toBe("business_app");
    expect(await consentEvents(c.contactId)).toEqual([]);
  });

  it("admins can add a keyword and switch a default off", async () => {
    await setConsentKeyword({ ctx: system, input: { keyword: "No More Promos", state: "opt_out" } });
    await setConsentKeyword({ ctx: system, input: { keyword: "baja", state: "opt_out", enabled: false } });
    const c = await customer();
    ws.sim.state.customerSend(c.simId, { type: "text", text: "BAJA", numberId: ws.numberA.phoneNumberId });
    await settle();
    expect(await consentEvents(c.contactId)).toEqual([]);
    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "no more promos",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    expect(await current(c.contactId)).toMatchObject({ state: "opt_out", source: "keyword" });
  });

  it("admins delete an added keyword and restore a switched-off default (audited); built-ins stay, agents may not", async () => {
    await setConsentKeyword({ ctx: system, input: { keyword: "Sin Promos", state: "opt_out" } });
    await setConsentKeyword({ ctx: system, input: { keyword: "baja", state: "opt_out", enabled: false } });
    const admin = await cookieForNewUser("admin");
    const del = (cookie: string, word: string) =>
      deleteKeywordRoute(
        new NextRequest(`http://localhost/api/v1/consent/keywords/${encodeURIComponent(word)}`, {
          method: "DELETE",
          headers: { cookie },
        }),
        { params: Promise.resolve({ keyword: encodeURIComponent(word) }) },
      );
    type Listed = { data: { keyword: string; enabled: boolean; builtin: boolean; customized: boolean }[] };

    expect((await del(await cookieForNewUser("agent"), "sin promos")).status).toBe(403);
    const deleted = await del(admin, "sin promos");
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as Listed).data.map((k) => k.keyword)).not.toContain("sin promos");
    const restored = await del(admin, "BAJA");
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as Listed).data.find((k) => k.keyword === "baja")).toMatchObject({
      enabled: true,
      builtin: true,
      customized: false,
    });
    // A built-in word with no admin row can be switched off but not deleted; an unknown word is a 404.
    expect((await del(admin, "stop")).status).toBe(409);
    expect((await del(admin, "sin promos")).status).toBe(404);
    const audit = await getDb().execute<{ action: string; entity_id: string }>(sql`
      select action, entity_id from audit_log where action in ('consent.keyword_deleted', 'consent.keyword_restored')
      order by id`);
    expect(audit).toEqual([
      { action: "consent.keyword_deleted", entity_id: "sin promos" },
      { action: "consent.keyword_restored", entity_id: "baja" },
    ]);

    // Ingest sees it at once: the deleted word is ordinary text, the restored default records an opt-out.
    const c = await customer();
    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "Sin promos",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    expect(await consentEvents(c.contactId)).toEqual([]);
    ws.sim.state.customerSend(c.simId, { type: "text", text: "BAJA", numberId: ws.numberA.phoneNumberId });
    await settle();
    expect(await current(c.contactId)).toMatchObject({ state: "opt_out", source: "keyword" });
  });

  it("a late, older START does not undo a newer STOP (webhooks are unordered)", async () => {
    const c = await customer();
    ws.sim.state.customerSend(c.simId, { type: "text", text: "STOP", numberId: ws.numberA.phoneNumberId });
    await settle();
    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "START",
      numberId: ws.numberA.phoneNumberId,
      ageMs: 60_000,
    });
    await settle();
    expect((await consentEvents(c.contactId)).map((e) => e.state)).toEqual(["opt_out", "opt_in"]);
    expect(await current(c.contactId)).toMatchObject({ state: "opt_out" });
  });
});

describe("Meta's signals", () => {
  it("user_preferences stop records an opt-out; resume restores an earlier opt-in only", async () => {
    const withOptIn = await customer();
    const without = await customer();
    await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: withOptIn.contactId, state: "opt_in", reason: "signed up in store" },
    });
    for (const c of [withOptIn, without])
      ws.sim.state.marketingPreference(c.simId, "stop", ws.numberA.phoneNumberId);
    await settle();
    for (const c of [withOptIn, without])
      expect(await current(c.contactId)).toEqual({ state: "opt_out", source: "meta_user_preferences" });

    for (const c of [withOptIn, without])
      ws.sim.state.marketingPreference(c.simId, "resume", ws.numberA.phoneNumberId);
    await settle();
    expect(await current(withOptIn.contactId)).toEqual({ state: "opt_in", source: "meta_user_preferences" });
    expect(await current(without.contactId)).toEqual({ state: "opt_out", source: "meta_user_preferences" });
    const dto = await getContactConsent({ ctx: system, input: { contactId: without.contactId } });
    expect(dto.meta_marketing_preference).toBe("resume");
  });

  it("a marketing send that fails with 131050 records an opt-out", async () => {
    const c = await customer();
    // Stopped at WhatsApp without the preference webhook reaching us (it can be lost or late).
    ws.sim.state.customer(c.simId).marketingStopped = true;
    const { message } = await sendMessage({
      ctx: system,
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `promo-131050-${c.contactId}`,
        message: {
          type: "template",
          template_id: await templateId("spring_promo"),
          variables: ["20%"],
          header: { link: "https://example.com/spring.jpg" },
        },
      },
    });
    await drain();
    await waitFor(async () => (await current(c.contactId))?.state === "opt_out");
    const [event] = await consentEvents(c.contactId);
    expect(event).toMatchObject({ source: "meta_user_preferences", dedupe_key: `131050:${message.id}` });
  });

  it("a one-to-one marketing send refused synchronously with 131050 records an opt-out too", async () => {
    const c = await customer();
    ws.sim.state.addFault({ code: 131050, count: 1 });
    const { message } = await sendMessage({
      ctx: system,
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `promo-131050-sync-${c.contactId}`,
        message: {
          type: "template",
          template_id: await templateId("spring_promo"),
          variables: ["20%"],
          header: { link: "https://example.com/spring.jpg" },
        },
      },
    });
    await drain();
    expect(await current(c.contactId)).toEqual({ state: "opt_out", source: "meta_user_preferences" });
    const [event] = await consentEvents(c.contactId);
    expect(event).toMatchObject({ dedupe_key: `131050:${message.id}` });
  });
});

describe("sending marketing to an opted-out contact", () => {
  it("is refused before Meta with marketing_opted_out, and audited", async () => {
    const c = await customer();
    await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: c.contactId, state: "opt_in" },
    });
    await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: c.contactId, state: "opt_out", reason: "asked on the phone" },
    });
    const before = ws.sim.state.requests.length;
    const attempt = sendMessage({
      ctx: { actor: ws.supervisor },
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `promo-refused-${c.contactId}`,
        message: {
          type: "template",
          template_id: await templateId("spring_promo"),
          variables: ["20%"],
          header: { link: "https://example.com/spring.jpg" },
        },
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(SendRefusedError);
    await expect(attempt).rejects.toMatchObject({ code: "marketing_opted_out" });
    expect(ws.sim.state.requests.length).toBe(before);
    const [audit] = await getDb().execute<{ data: { reason: string } }>(sql`
      select data from audit_log where action = 'message.send_refused' and entity_id = ${c.conversationId}`);
    expect(audit?.data.reason).toBe("marketing_opted_out");

    // Utility templates still go: only marketing was withdrawn.
    const utility = await sendMessage({
      ctx: { actor: ws.supervisor },
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `utility-ok-${c.contactId}`,
        message: { type: "template", template_id: await templateId("hello_world"), variables: ["Sam"] },
      },
    });
    expect(utility.message.status).toBe("queued");
  });
});

describe("recording consent", () => {
  it("keeps the history, the reason and the actor, and audits", async () => {
    const c = await customer();
    await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: c.contactId, state: "opt_in", reason: "web form" },
    });
    const dto = await recordConsent({
      ctx: { actor: ws.supervisor },
      input: { contactId: c.contactId, category: "all", state: "opt_out", reason: "asked to be left alone" },
    });
    expect(dto.current).toEqual([
      expect.objectContaining({
        category: "all",
        state: "opt_out",
        source: "agent",
        reason: "asked to be left alone",
      }),
      expect.objectContaining({ category: "marketing", state: "opt_in", reason: "web form" }),
    ]);
    expect(dto.history.map((h) => h.state)).toEqual(["opt_out", "opt_in"]);
    expect(dto.history[0]?.actor).toEqual({
      type: "user",
      id: ws.supervisor.type === "user" ? ws.supervisor.id : null,
    });
    expect(await auditActions(c.contactId)).toEqual(
      expect.arrayContaining(["consent.opt_in", "consent.opt_out"]),
    );
  });

  it("an agent cannot see or change a contact outside their teams (looks missing)", async () => {
    const c = await customer();
    await expect(
      recordConsent({ ctx: { actor: ws.agent }, input: { contactId: c.contactId, state: "opt_in" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getContactConsent({ ctx: { actor: ws.agent }, input: { contactId: c.contactId } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("contact merges", () => {
  it("move the consent history over, the newer current state winning per category", async () => {
    const into = await customer();
    const from = await customer();
    await recordConsent({ ctx: system, input: { contactId: into.contactId, state: "opt_in" } });
    await recordConsent({ ctx: system, input: { contactId: from.contactId, state: "opt_out" } });
    await recordConsent({
      ctx: system,
      input: { contactId: from.contactId, category: "utility", state: "opt_in" },
    });
    await getDb().transaction((tx) => moveConsents(tx, from.contactId, into.contactId));
    expect(await current(into.contactId)).toMatchObject({ state: "opt_out" });
    expect(await current(into.contactId, "utility")).toMatchObject({ state: "opt_in" });
    expect(await consentEvents(into.contactId)).toHaveLength(3);
    expect(await consentEvents(from.contactId)).toEqual([]);
  });
});
