import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordConsent } from "@/lib/consent";
import { archiveAttribute, createAttribute, setContactAttributes } from "@/lib/contacts";
import { addConversationLabel } from "@/lib/conversations";
import { createLabel } from "@/lib/labels";
import { getDb, getSql } from "@/lib/db/client";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { pauseNumberSending, resumeNumberSending } from "@/lib/messaging";
import { REALTIME_CHANNEL, type CampaignChanged, type RealtimeEnvelope } from "@/lib/realtime/events";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import { RATES } from "./pricing";
import {
  cancelCampaign,
  createCampaign,
  estimateCampaign,
  getCampaign,
  getCampaignReport,
  pauseCampaign,
  resumeCampaign,
  runCampaign,
  startCampaign,
  tickCampaigns,
} from "./index";
import type { CreateCampaignInput } from "./schemas";

useTestDatabase();
const { ws, customer, templateId, drain, settle, sendsFor } = useSimWorkspace("72");

const events: CampaignChanged[] = [];
let unlisten: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const subscription = await getSql().listen(REALTIME_CHANNEL, (payload) => {
    const envelope = JSON.parse(payload) as RealtimeEnvelope;
    if (envelope.event === "campaign.changed") events.push(envelope.data);
  });
  unlisten = () => subscription.unlisten();
});
afterAll(async () => {
  await unlisten?.();
});

const as = () => ({ actor: ws.supervisor });
const promo = async (contactIds: string[], extra: Partial<CreateCampaignInput> = {}) =>
  createCampaign({
    ctx: as(),
    input: {
      name: "Spring promo",
      number_id: ws.ids.A,
      template_id: await templateId("spring_promo"),
      variables: { "1": "20%" },
      header: { link: "https://example.com/spring.jpg" },
      segment: { source: "contacts", contact_ids: contactIds },
      ...extra,
    },
  });
const hello = async (contactIds: string[], extra: Partial<CreateCampaignInput> = {}) =>
  createCampaign({
    ctx: as(),
    input: {
      name: "Hello",
      number_id: ws.ids.A,
      template_id: await templateId("hello_world"),
      variables: { "1": "{{contact.first_name|there}}" },
      segment: { source: "contacts", contact_ids: contactIds },
      ...extra,
    },
  });

/** Runs the campaign job until it has nothing left to queue, as the queue would. */
async function runToEnd(campaignId: string, options: { batchSize?: number } = {}) {
  for (let i = 0; i < 50; i++) {
    const outcome = await runCampaign({ ctx: system, input: { campaignId, ...options } });
    if (outcome.next !== "continue" && outcome.next !== "wait") return outcome;
    if (outcome.next === "wait") await drain();
  }
  throw new Error("campaign never finished");
}

async function recipients(campaignId: string) {
  return getDb().execute<{
    contact_id: string;
    state: string;
    skip_reason: string | null;
    message_id: string | null;
  }>(
    sql`select contact_id, state, skip_reason, message_id from campaign_recipients where campaign_id = ${campaignId}`,
  );
}

const key = (campaignId: string, contactId: string) => `campaign:${campaignId}:${contactId}`;

describe("who a campaign reaches", () => {
  it("MARKETING goes only to opted-in contacts; the rest are skipped with the reason", async () => {
    const optedIn = await customer({ name: "Olive Optin" });
    const never = await customer();
    const stopped = await customer();
    await recordConsent({
      ctx: as(),
      input: { contactId: optedIn.contactId, state: "opt_in", reason: "web form" },
    });
    await recordConsent({ ctx: as(), input: { contactId: stopped.contactId, state: "opt_in" } });
    ws.sim.state.customerSend(stopped.simId, {
      type: "text",
      text: "STOP",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();

    const campaign = await promo([optedIn.contactId, never.contactId, stopped.contactId]);
    expect(campaign).toMatchObject({ state: "draft", template: { category: "MARKETING" } });
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect((await runToEnd(campaign.id)).state).toBe("completed");
    await drain();

    const rows = await recipients(campaign.id);
    const byContact = Object.fromEntries(rows.map((r) => [r.contact_id, r]));
    expect(byContact[optedIn.contactId]).toMatchObject({ skip_reason: null });
    expect(byContact[optedIn.contactId]?.message_id).toBeTruthy();
    expect(byContact[never.contactId]).toMatchObject({
      state: "skipped",
      skip_reason: "no_opt_in",
      message_id: null,
    });
    expect(byContact[stopped.contactId]).toMatchObject({
      state: "skipped",
      skip_reason: "opted_out",
      message_id: null,
    });
    expect(sendsFor(key(campaign.id, optedIn.contactId))).toBe(1);
    expect(sendsFor(key(campaign.id, never.contactId))).toBe(0);
    expect(sendsFor(key(campaign.id, stopped.contactId))).toBe(0);
    const [message] = await getDb().execute<{ source: string }>(
      sql`select source from messages where id = ${byContact[optedIn.contactId]!.message_id}`,
    );
    expect(message?.source).toBe("campaign");
    const progress = (await getCampaign({ ctx: as(), input: { id: campaign.id } })).progress;
    expect(progress).toMatchObject({
      total: 3,
      skipped: 2,
      skipped_by_reason: { no_opt_in: 1, opted_out: 1 },
    });
  });

  it("a label segment reaches exactly the opted-in contacts carrying the label on the number", async () => {
    const vip = await createLabel({ ctx: system, input: { name: `VIP ${Date.now()}` } });
    const other = await createLabel({ ctx: system, input: { name: `Other ${Date.now()}` } });
    const vipIn = await customer();
    const vipIn2 = await customer();
    const vipNoConsent = await customer();
    const vipOnB = await customer({ number: "B" });
    const plainIn = await customer();
    const otherIn = await customer();
    for (const c of [vipIn, vipIn2, vipNoConsent, vipOnB])
      await addConversationLabel({
        ctx: system,
        input: { conversationId: c.conversationId, label_id: vip.id },
      });
    await addConversationLabel({
      ctx: system,
      input: { conversationId: otherIn.conversationId, label_id: other.id },
    });
    for (const c of [vipIn, vipIn2, vipOnB, plainIn, otherIn])
      await recordConsent({ ctx: as(), input: { contactId: c.contactId, state: "opt_in" } });

    const template_id = await templateId("spring_promo");
    const estimate = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id, segment: { source: "label", label_id: vip.id } },
    });
    expect(estimate).toMatchObject({ segment_size: 3, recipients: 2, skipped_by_reason: { no_opt_in: 1 } });
    // The same label as a filter leaves exactly those three out of everyone on the number.
    const everyone = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id, segment: { source: "number" } },
    });
    const withoutVip = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id, segment: { source: "number", exclude_label_id: vip.id } },
    });
    expect(everyone.segment_size - withoutVip.segment_size).toBe(3);

    const campaign = await promo([], { segment: { source: "label", label_id: vip.id } });
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect((await runToEnd(campaign.id)).state).toBe("completed");
    await drain();
    const rows = await recipients(campaign.id);
    expect(Object.fromEntries(rows.map((r) => [r.contact_id, r.skip_reason]))).toEqual({
      [vipIn.contactId]: null,
      [vipIn2.contactId]: null,
      [vipNoConsent.contactId]: "no_opt_in",
    });
    for (const c of [vipIn, vipIn2]) expect(sendsFor(key(campaign.id, c.contactId))).toBe(1);
    for (const c of [vipNoConsent, vipOnB, plainIn, otherIn])
      expect(sendsFor(key(campaign.id, c.contactId))).toBe(0);

    // A label that does not exist, or a label segment without one, names the field.
    await expect(
      promo([], { segment: { source: "label", label_id: crypto.randomUUID() } }),
    ).rejects.toMatchObject({ details: { field: "segment.label_id" } });
    await expect(promo([], { segment: { source: "label" } })).rejects.toMatchObject({
      issues: [{ path: ["segment", "label_id"] }],
    });
  });

  it("a STOP between expansion and queuing wins: that recipient is skipped as opted out", async () => {
    const a = await customer();
    const b = await customer();
    for (const c of [a, b])
      await recordConsent({ ctx: as(), input: { contactId: c.contactId, state: "opt_in" } });
    const campaign = await promo([a.contactId, b.contactId]);
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    // Expand and queue one; the other says STOP before the next batch.
    await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 1 } });
    const pending = (await recipients(campaign.id)).find((r) => r.state === "pending")!;
    const stopper = pending.contact_id === a.contactId ? a : b;
    ws.sim.state.customerSend(stopper.simId, {
      type: "text",
      text: "unsubscribe",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();
    await runToEnd(campaign.id);
    await drain();
    expect(sendsFor(key(campaign.id, stopper.contactId))).toBe(0);
    const after = await recipients(campaign.id);
    expect(after.find((r) => r.contact_id === stopper.contactId)).toMatchObject({
      state: "skipped",
      skip_reason: "opted_out",
    });
  });

  it("UTILITY needs no opt-in, but skips contacts opted out of everything, and creates missing conversations", async () => {
    const plain = await customer({ name: "Pat Plain" });
    const marketingOnly = await customer();
    const everything = await customer();
    await recordConsent({ ctx: as(), input: { contactId: marketingOnly.contactId, state: "opt_out" } });
    await recordConsent({
      ctx: as(),
      input: { contactId: everything.contactId, category: "all", state: "opt_out" },
    });
    // On number B, where none of them has a conversation yet.
    const campaign = await hello([plain.contactId, marketingOnly.contactId, everything.contactId], {
      number_id: ws.ids.B,
    });
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    await runToEnd(campaign.id);
    await drain();
    const rows = await recipients(campaign.id);
    expect(
      rows
        .filter((r) => r.message_id)
        .map((r) => r.contact_id)
        .sort(),
    ).toEqual([plain.contactId, marketingOnly.contactId].sort());
    expect(rows.find((r) => r.contact_id === everything.contactId)).toMatchObject({
      skip_reason: "opted_out",
    });
    const [conversation] = await getDb().execute<{ status: string }>(sql`
      select status from conversations where contact_id = ${plain.contactId} and phone_number_id = ${ws.ids.B}`);
    expect(conversation?.status).toBe("resolved");
    const sent = ws.sim.state.requests.filter(
      (r) =>
        r.method === "POST" &&
        r.path.endsWith(`/${ws.numberB.phoneNumberId}/messages`) &&
        r.headers["idempotency-key"] === key(campaign.id, plain.contactId),
    );
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.body)).toContain('"text":"Pat"');
  });
});

describe("sending exactly once", () => {
  it("a duplicate start, concurrent runners and a rerun after a crash send nothing extra", async () => {
    const contacts = [await customer(), await customer(), await customer()];
    const campaign = await hello(contacts.map((c) => c.contactId));
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    const again = await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect(again.state).toBe("running");
    // Two runners at once: the lease lets one queue, the other waits.
    const outcomes = await Promise.all([
      runCampaign({ ctx: system, input: { campaignId: campaign.id } }),
      runCampaign({ ctx: system, input: { campaignId: campaign.id } }),
    ]);
    expect(outcomes.map((o) => o.queued).sort()).toEqual([0, 3]);
    await runToEnd(campaign.id);
    await drain();
    // A crash that lost the recipients' progress: everything is pending again and the segment re-expanded.
    await getDb().execute(sql`
      update campaign_recipients set state = 'pending', message_id = null where campaign_id = ${campaign.id}`);
    await getDb().execute(
      sql`update campaigns set state = 'running', expanded_at = null, completed_at = null where id = ${campaign.id}`,
    );
    await runToEnd(campaign.id);
    await drain();
    for (const c of contacts) expect(sendsFor(key(campaign.id, c.contactId))).toBe(1);
    const rows = await recipients(campaign.id);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.message_id)).toBe(true);
    await expect(startCampaign({ ctx: as(), input: { id: campaign.id } })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe("a step in chunks", () => {
  it("queues a step's chunks side by side, each recipient once, and completes", async () => {
    const contacts = [];
    for (let i = 0; i < 5; i++) contacts.push(await customer());
    const campaign = await hello(contacts.map((c) => c.contactId));
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    // Three transactions at once (2 + 2 + 1) in one step.
    expect(
      await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 6, chunkSize: 2 } }),
    ).toMatchObject({ state: "completed", queued: 5, skipped: 0, failed: 0, pending: 0 });
    await drain();
    const rows = await recipients(campaign.id);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(5);
    expect(rows.every((r) => r.message_id && r.state === "queued")).toBe(true);
    for (const c of contacts) expect(sendsFor(key(campaign.id, c.contactId))).toBe(1);
    const [audits] = await getDb().execute<{ n: number }>(sql`
      select count(*)::int as n from audit_log a join messages m on m.id::text = a.entity_id
      where a.action = 'message.template_sent' and m.idempotency_key like ${`campaign:${campaign.id}:%`}`);
    expect(audits?.n).toBe(5);
  });
});

describe("pause, resume, cancel", () => {
  it("pause recalls queued messages, resume sends them and carries on, cancel withdraws what is left", async () => {
    const contacts = [];
    for (let i = 0; i < 5; i++) contacts.push(await customer());
    const campaign = await hello(contacts.map((c) => c.contactId));
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect(
      (await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 2 } })).queued,
    ).toBe(2);

    const paused = await pauseCampaign({ ctx: as(), input: { id: campaign.id } });
    expect(paused.state).toBe("paused");
    const whilePaused = await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 2 } });
    expect(whilePaused).toMatchObject({ state: "paused", queued: 0, pending: 3, next: "done" });
    // The two queued messages were recalled: nothing goes while the campaign is paused...
    expect(await drain()).toEqual([]);
    // ...not even when the number's own sending pause (a token error) is lifted meanwhile.
    await pauseNumberSending({ ctx: system, input: { numberId: ws.ids.A, error: describeSendError(190) } });
    await resumeNumberSending({ ctx: system, input: { numberId: ws.ids.A } });
    expect(await drain()).toEqual([]);

    await resumeCampaign({ ctx: as(), input: { id: campaign.id } });
    expect(await drain()).toEqual(["accepted", "accepted"]);
    expect(
      (await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 2 } })).queued,
    ).toBe(2);
    const cancelled = await cancelCampaign({ ctx: as(), input: { id: campaign.id } });
    expect(cancelled.state).toBe("cancelled");
    expect(
      (await runCampaign({ ctx: system, input: { campaignId: campaign.id, batchSize: 2 } })).queued,
    ).toBe(0);
    // The two queued after the resume were withdrawn before reaching Meta.
    expect(await drain()).toEqual([]);
    const sent = contacts.filter((c) => sendsFor(key(campaign.id, c.contactId)) === 1);
    expect(sent).toHaveLength(2);
    expect((await getCampaign({ ctx: as(), input: { id: campaign.id } })).progress.skipped_by_reason).toEqual(
      { cancelled: 3 },
    );
    const withdrawn = await getDb().execute<{ status: string; code: string }>(sql`
      select m.status, m.error->>'code' as code from messages m
      where m.idempotency_key like ${`campaign:${campaign.id}:%`} and m.wamid is null`);
    expect(withdrawn).toEqual([
      { status: "failed", code: "campaign_cancelled" },
      { status: "failed", code: "campaign_cancelled" },
    ]);
    await expect(resumeCampaign({ ctx: as(), input: { id: campaign.id } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const actions = await getDb().execute<{ action: string }>(
      sql`select action from audit_log where entity_type = 'campaign' and entity_id = ${campaign.id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      "campaign.created",
      "campaign.started",
      "campaign.paused",
      "campaign.resumed",
      "campaign.cancelled",
    ]);
  });

  it("a scheduled campaign waits for its time", async () => {
    const c = await customer();
    const campaign = await hello([c.contactId]);
    const later = new Date(Date.now() + 60 * 60_000).toISOString();
    expect((await startCampaign({ ctx: as(), input: { id: campaign.id, scheduled_at: later } })).state).toBe(
      "scheduled",
    );
    expect(await runCampaign({ ctx: system, input: { campaignId: campaign.id } })).toMatchObject({
      state: "scheduled",
      queued: 0,
    });
    expect((await tickCampaigns({ ctx: system })).run).not.toContain(campaign.id);
    await getDb().execute(
      sql`update campaigns set scheduled_at = now() - interval '1 second' where id = ${campaign.id}`,
    );
    // The per-minute tick is what notices the time has come.
    expect((await tickCampaigns({ ctx: system })).run).toContain(campaign.id);
    // Due now: it starts, queues its one recipient and, with nobody left, completes in the same step.
    expect(await runCampaign({ ctx: system, input: { campaignId: campaign.id } })).toMatchObject({
      state: "completed",
      queued: 1,
    });
  });
});

describe("progress", () => {
  it("follows the status webhooks to delivered and read, and a customer reply counts as replied", async () => {
    const deliveredOnly = await customer({ statusPlan: ["sent", "delivered"] });
    const reader = await customer();
    const replier = await customer();
    const campaign = await hello([deliveredOnly, reader, replier].map((c) => c.contactId));
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    await runToEnd(campaign.id);
    expect((await getCampaign({ ctx: as(), input: { id: campaign.id } })).progress).toMatchObject({
      queued: 3,
    });
    await drain();
    ws.sim.state.customerSend(replier.simId, {
      type: "text",
      text: "Thanks!",
      numberId: ws.numberA.phoneNumberId,
    });
    await settle();

    const progress = (await getCampaign({ ctx: as(), input: { id: campaign.id } })).progress;
    expect(progress).toMatchObject({ total: 3, delivered: 1, read: 1, replied: 1, queued: 0, pending: 0 });

    // The runner's next step writes the states onto the recipients and pushes one event.
    const before = events.length;
    const outcome = await runCampaign({ ctx: system, input: { campaignId: campaign.id } });
    expect(outcome.next).toBe("watch");
    const rows = await recipients(campaign.id);
    expect(Object.fromEntries(rows.map((r) => [r.contact_id, r.state]))).toEqual({
      [deliveredOnly.contactId]: "delivered",
      [reader.contactId]: "read",
      [replier.contactId]: "replied",
    });
    await waitFor(async () =>
      events.slice(before).some((e) => e.campaign_id === campaign.id && e.reason === "progress"),
    );

    const report = await getCampaignReport({ ctx: as(), input: { id: campaign.id } });
    expect(report).toMatchObject({
      attempted: 3,
      rates: { delivered: 1, read: 0.667, replied: 0.333, failed: 0 },
    });
  });

  it("the report groups failures by Meta's error code; 131049 is not an opt-out", async () => {
    const capped = await customer();
    const fine = await customer();
    for (const c of [capped, fine])
      await recordConsent({ ctx: as(), input: { contactId: c.contactId, state: "opt_in" } });
    const campaign = await promo([capped.contactId, fine.contactId]);
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    await runToEnd(campaign.id);
    ws.sim.state.addFault({ code: 131049, numberId: ws.numberA.phoneNumberId, count: 1, async: true });
    await drain();
    const report = await getCampaignReport({ ctx: as(), input: { id: campaign.id } });
    expect(report.failures).toEqual([expect.objectContaining({ code: "131049", count: 1 })]);
    expect(report.progress.failed).toBe(1);
    const [consent] = await getDb().execute<{ state: string }>(sql`
      select state from consents where contact_id in (${capped.contactId}, ${fine.contactId}) and state = 'opt_out'`);
    expect(consent).toBeUndefined();
  });
});

describe("estimates", () => {
  it("totals per country: marketing always charged, utility free inside the window", async () => {
    const us = await customer({ phone: "12025550143" });
    const de = await customer({ phone: "4915123456789" });
    const gbClosed = await customer({ phone: "447911123456", ageMs: 25 * 60 * 60_000 });
    const notOptedIn = await customer({ phone: "12025550199" });
    for (const c of [us, de, gbClosed])
      await recordConsent({ ctx: as(), input: { contactId: c.contactId, state: "opt_in" } });
    const segment = {
      source: "contacts" as const,
      contact_ids: [us, de, gbClosed, notOptedIn].map((c) => c.contactId),
    };

    const marketing = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id: await templateId("spring_promo"), segment },
    });
    expect(marketing).toMatchObject({
      segment_size: 4,
      recipients: 3,
      skipped: 1,
      skipped_by_reason: { no_opt_in: 1 },
    });
    expect(marketing.cost.by_country).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ country: "US", recipients: 1, billable: 1, cost: RATES.US!.marketing }),
        expect.objectContaining({ country: "DE", recipients: 1, billable: 1, cost: RATES.DE!.marketing }),
        expect.objectContaining({ country: "GB", recipients: 1, billable: 1, cost: RATES.GB!.marketing }),
      ]),
    );
    expect(marketing.cost.total).toBeCloseTo(
      RATES.US!.marketing + RATES.DE!.marketing + RATES.GB!.marketing,
      4,
    );
    expect(marketing.cost).toMatchObject({ currency: "USD", rates_as_of: "2025-07-01" });

    const utility = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id: await templateId("hello_world"), segment },
    });
    expect(utility.recipients).toBe(4);
    // Only GB's window is closed.
    expect(utility.cost.billable).toBe(1);
    expect(utility.cost.total).toBe(RATES.GB!.utility);
  });
});

describe("definitions and permissions", () => {
  it("refuses a template variable without a value, a media header without a link, and agents", async () => {
    const c = await customer();
    await expect(hello([c.contactId], { variables: {} })).rejects.toBeInstanceOf(ValidationError);
    await expect(promo([c.contactId], { header: undefined })).rejects.toMatchObject({
      details: { field: "header.link" },
    });
    await expect(hello([c.contactId], { variables: { "1": "{{contact.nmae}}" } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      createCampaign({
        ctx: { actor: ws.agent },
        input: {
          name: "x",
          number_id: ws.ids.A,
          template_id: await templateId("hello_world"),
          variables: { "1": "x" },
          segment: { source: "number" },
        },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("segments by number and by team", async () => {
    const onTeam = await customer({ number: "B" });
    await getDb().execute(
      sql`update conversations set team_id = ${ws.otherTeamId} where id = ${onTeam.conversationId}`,
    );
    const template_id = await templateId("hello_world");
    const everyoneOnB = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.B, template_id, segment: { source: "number" } },
    });
    const team = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.B, template_id, segment: { source: "team", team_id: ws.otherTeamId } },
    });
    expect(team.segment_size).toBe(1);
    expect(everyoneOnB.segment_size).toBeGreaterThanOrEqual(team.segment_size);
  });
});

describe("segments by custom contact attribute", () => {
  /** The 422 a verb throws, with the field it names. */
  async function rejectedField(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    return { status: (error as ValidationError).status, field: (error as ValidationError).details?.field };
  }

  it("reaches exactly the opted-in contacts with plan = Pro and seats > 10; a label segment combines", async () => {
    await createAttribute({
      ctx: system,
      input: { key: "plan", label: "Plan", type: "select", options: ["Pro", "Basic"] },
    });
    await createAttribute({ ctx: system, input: { key: "seats", label: "Seats", type: "number" } });
    const people = {
      big: await customer(),
      bigNoConsent: await customer(),
      small: await customer(),
      basic: await customer(),
      unset: await customer(),
    };
    const values: Record<keyof typeof people, Record<string, unknown>> = {
      big: { plan: "Pro", seats: 25 },
      bigNoConsent: { plan: "Pro", seats: 11 },
      small: { plan: "Pro", seats: 10 },
      basic: { plan: "Basic", seats: 50 },
      unset: {},
    };
    for (const [name, person] of Object.entries(people)) {
      await setContactAttributes({
        ctx: system,
        input: { id: person.contactId, attributes: values[name as keyof typeof people] },
      });
      if (name !== "bigNoConsent")
        await recordConsent({ ctx: as(), input: { contactId: person.contactId, state: "opt_in" } });
    }
    const segment = {
      source: "number" as const,
      attributes: [
        { key: "plan", op: "eq" as const, value: "Pro" },
        { key: "seats", op: "gt" as const, value: 10 },
      ],
    };
    const template_id = await templateId("spring_promo");
    const estimate = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id, segment },
    });
    expect(estimate).toMatchObject({ segment_size: 2, recipients: 1, skipped_by_reason: { no_opt_in: 1 } });

    const campaign = await promo([], { segment });
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect((await runToEnd(campaign.id)).state).toBe("completed");
    const rows = await recipients(campaign.id);
    expect(rows.filter((r) => r.message_id).map((r) => r.contact_id)).toEqual([people.big.contactId]);
    expect(rows.map((r) => r.contact_id).sort()).toEqual(
      [people.big.contactId, people.bigNoConsent.contactId].sort(),
    );

    // Combined with a label source and the other operators: Pro or Basic, seats < 30, plan set.
    const vip = await createLabel({ ctx: system, input: { name: `VIP attr ${Date.now()}` } });
    for (const person of [people.small, people.basic, people.unset])
      await addConversationLabel({
        ctx: system,
        input: { conversationId: person.conversationId, label_id: vip.id },
      });
    const labelled = await estimateCampaign({
      ctx: as(),
      input: {
        number_id: ws.ids.A,
        template_id,
        segment: {
          source: "label",
          label_id: vip.id,
          attributes: [
            { key: "plan", op: "in", value: ["Pro", "Basic"] },
            { key: "seats", op: "lt", value: 30 },
          ],
        },
      },
    });
    expect(labelled.segment_size).toBe(1);
    const notSet = await estimateCampaign({
      ctx: as(),
      input: {
        number_id: ws.ids.A,
        template_id,
        segment: { source: "label", label_id: vip.id, attributes: [{ key: "plan", op: "not_set" }] },
      },
    });
    expect(notSet.segment_size).toBe(1);
  });

  it("refuses a value of the wrong type, an operator that does not fit, and an archived attribute (422 naming the field)", async () => {
    const template_id = await templateId("spring_promo");
    const estimate = (attributes: NonNullable<CreateCampaignInput["segment"]["attributes"]>) =>
      estimateCampaign({
        ctx: as(),
        input: { number_id: ws.ids.A, template_id, segment: { source: "number", attributes } },
      });
    expect(
      await rejectedField(
        estimate([
          { key: "plan", op: "eq", value: "Pro" },
          { key: "seats", op: "gt", value: "lots" },
        ]),
      ),
    ).toEqual({ status: 422, field: "segment.attributes.1.value" });
    expect(await rejectedField(estimate([{ key: "plan", op: "eq", value: "Gold" }]))).toEqual({
      status: 422,
      field: "segment.attributes.0.value",
    });
    expect(await rejectedField(estimate([{ key: "plan", op: "gt", value: "Pro" }]))).toEqual({
      status: 422,
      field: "segment.attributes.0.op",
    });
    expect(await rejectedField(estimate([{ key: "nope", op: "is_set" }]))).toEqual({
      status: 422,
      field: "segment.attributes.0.key",
    });
    const tier = await createAttribute({
      ctx: system,
      input: { key: "old_tier", label: "Old tier", type: "text" },
    });
    await archiveAttribute({ ctx: system, input: { id: tier.id } });
    expect(await rejectedField(estimate([{ key: "old_tier", op: "eq", value: "Gold" }]))).toEqual({
      status: 422,
      field: "segment.attributes.0.key",
    });
    await expect(
      promo([], { segment: { source: "number", attributes: [{ key: "old_tier", op: "is_set" }] } }),
    ).rejects.toMatchObject({ details: { field: "segment.attributes.0.key" } });
  });

  it("pages through a segment larger than a page whose filter leaves out long runs of contacts", async () => {
    await createAttribute({
      ctx: system,
      input: { key: "bulk_group", label: "Bulk group", type: "select", options: ["keep", "drop"] },
    });
    await createAttribute({ ctx: system, input: { key: "bulk_rank", label: "Bulk rank", type: "number" } });
    // Ids in the contacts' order (the segment's keyset): the first 1,200 fail the group, then every fourth
    // fails the rank, then 399 have no values, and the last one matches: 1,201 matches, more than a page (1,000).
    const N = 3_200;
    const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const attributesOf = (i: number) =>
      i <= 1_200
        ? { bulk_group: "drop", bulk_rank: 50 }
        : i <= 2_800
          ? { bulk_group: "keep", bulk_rank: i % 4 === 0 ? 5 : 20 }
          : i < N
            ? {}
            : { bulk_group: "keep", bulk_rank: 11 };
    const rows = Array.from({ length: N }, (_, k) => ({
      id: idOf(k + 1),
      phone: `1555${String(k + 1).padStart(7, "0")}`,
      attributes: attributesOf(k + 1),
    }));
    await getDb().execute(sql`
      with x as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, phone text, attributes jsonb)
      ), ct as (
        insert into contacts (id, waba_id, phone, attributes)
        select id, ${ws.numberA.wabaId}, phone, attributes from x returning id
      )
      insert into conversations (contact_id, phone_number_id) select id, ${ws.ids.A} from ct`);
    const expected = rows
      .filter((r) => r.attributes.bulk_group === "keep" && (r.attributes.bulk_rank ?? 0) > 10)
      .map((r) => r.id);
    expect(expected).toHaveLength(1_201);
    const segment = {
      source: "number" as const,
      attributes: [
        { key: "bulk_group", op: "eq" as const, value: "keep" },
        { key: "bulk_rank", op: "gt" as const, value: 10 },
      ],
    };

    const estimate = await estimateCampaign({
      ctx: as(),
      input: { number_id: ws.ids.A, template_id: await templateId("spring_promo"), segment },
    });
    expect(estimate.segment_size).toBe(1_201);
    // Nobody opted in, so expansion records every match as skipped and nothing is sent.
    const campaign = await promo([], { segment });
    await startCampaign({ ctx: as(), input: { id: campaign.id } });
    expect((await runToEnd(campaign.id)).state).toBe("completed");
    const reached = (await recipients(campaign.id)).map((r) => r.contact_id).sort();
    expect(reached).toEqual(expected);
  });
});
