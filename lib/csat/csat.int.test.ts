import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { resolveConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { deliverMessage, sendMessage } from "@/lib/messaging";
import { addNumber } from "@/lib/numbers";
import { getReport, reportCsv } from "@/lib/reports";
import { setSetting } from "@/lib/settings";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { TEST_APP_SECRET, useTestDatabase } from "@/tests/int/db";
import { startWebhookBridge } from "@/tests/int/webhook-bridge";
import { csatCycleDue, sendCsatSurvey } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };
const number = { wabaId: "400000000000081", phoneNumberId: "160000000000081", displayNumber: "15550160081" };

let sim: Simulator;
let bridge: Awaited<ReturnType<typeof startWebhookBridge>>;
let agent: Actor;
let agentId = "";
let phoneSeq = 0;

beforeAll(async () => {
  bridge = await startWebhookBridge();
  sim = await startSimulator({
    port: 0,
    appWebhookUrl: bridge.url,
    appSecret: TEST_APP_SECRET,
    accessToken: "simulator-token",
    numbers: [{ ...number, coexistence: true }],
    config: { statusStepMs: 20 },
    log: () => {},
  });
  setRuntimeEnv({
    GRAPH_API_BASE: sim.url,
    DATA_DIR: await fs.mkdtemp(path.join(os.tmpdir(), "tandem-csat-")),
  });
  const team = await createTeam({ ctx: system, input: { name: "CSAT team" } });
  await addNumber({ ctx: system, input: { ...number, coexistence: true, defaultTeamId: team.id } });
  const user = await createUser({
    ctx: system,
    input: {
      email: "csat@example.com",
      name: "Cass Agent",
      role: "agent",
      password: "correct horse battery",
      teamIds: [team.id],
    },
  });
  agentId = user.id;
  agent = { type: "user", id: user.id, role: "agent", teamIds: [team.id] };
  await setSetting({ ctx: system, input: { key: "csat.enabled", value: true } });
});

afterAll(async () => {
  await sim?.stop();
  await bridge?.stop();
});

async function waitFor<T>(check: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the send worker over everything due, as the queue's workers would. */
async function drain() {
  // The survey follows the agent's reply to the same customer at once; the pair pacing (1 per 6 s) would
  // hold it back, which is right in production but only slows the test.
  await getDb().execute(sql`delete from send_rate_limits`);
  await getDb().execute(sql`update outbound_sends set next_attempt_at = now() where state = 'queued'`);
  for (;;) {
    const [row] = await getDb().execute<{ message_id: string }>(sql`
      select message_id from outbound_sends where state = 'queued' and next_attempt_at <= now()
      order by next_attempt_at limit 1`);
    if (!row) return;
    await deliverMessage({ ctx: system, input: { messageId: row.message_id } });
  }
}

/** A customer writes, the agent owns and answers it, then resolves: a cycle a human worked. */
async function workedAndResolved() {
  const phone = `4477019${String(100000 + phoneSeq++).slice(-6)}`;
  const customer = sim.state.addCustomer({ name: `Customer ${phone}`, phone });
  sim.state.customerSend(customer.id, { type: "text", text: "Help?", numberId: number.phoneNumberId });
  const { id: conversationId } = await waitFor(async () => {
    const [found] = await getDb().execute<{ id: string }>(sql`
      select c.id from conversations c join contacts ct on ct.id = c.contact_id where ct.phone = ${phone}`);
    return found;
  });
  await bridge.idle();
  await getDb().execute(sql`update conversations set assignee_id = ${agentId} where id = ${conversationId}`);
  await getDb().execute(sql`
    update conversation_cycles set assignee_id = ${agentId} where conversation_id = ${conversationId}`);
  await sendMessage({
    ctx: { actor: agent },
    input: { conversationId, idempotencyKey: `reply-${phone}`, message: { type: "text", text: "Done!" } },
  });
  await drain();
  await resolveConversation({ ctx: { actor: agent }, input: { conversationId } });
  const [cycle] = await getDb().execute<{ id: string }>(sql`
    select id from conversation_cycles where conversation_id = ${conversationId} order by started_at desc limit 1`);
  return { conversationId, customer, cycleId: cycle!.id };
}

const surveyRequests = () =>
  sim.state.requests.filter(
    (r) => r.method === "POST" && (r.body as { type?: string } | undefined)?.type === "interactive",
  );

async function cycleRow(cycleId: string) {
  const [row] = await getDb().execute<{
    csat_score: number | null;
    csat_sent_at: string | null;
    csat_message_id: string | null;
    csat_skipped_reason: string | null;
  }>(sql`select csat_score, csat_sent_at, csat_message_id, csat_skipped_reason from conversation_cycles
         where id = ${cycleId}`);
  return row!;
}

async function statusOf(conversationId: string) {
  const [row] = await getDb().execute<{ status: string; unread_count: number }>(
    sql`select status, unread_count from conversations where id = ${conversationId}`,
  );
  return row!;
}

describe("CSAT survey", () => {
  it("sends buttons once after a resolve; the first tap scores the cycle and keeps it resolved", async () => {
    const { conversationId, customer, cycleId } = await workedAndResolved();
    const before = surveyRequests().length;
    const first = await sendCsatSurvey({ ctx: system, input: { cycleId } });
    const again = await sendCsatSurvey({ ctx: system, input: { cycleId } });
    expect(first.state).toBe("sent");
    expect(again).toEqual(first);
    await drain();
    const sent = surveyRequests().slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { interactive: unknown }).interactive).toMatchObject({
      type: "button",
      body: { text: "How did we do?" },
      action: {
        buttons: [
          { type: "reply", reply: { id: `csat:${cycleId}:3`, title: "Great" } },
          { type: "reply", reply: { id: `csat:${cycleId}:2`, title: "OK" } },
          { type: "reply", reply: { id: `csat:${cycleId}:1`, title: "Poor" } },
        ],
      },
    });
    expect(await cycleRow(cycleId)).toMatchObject({ csat_score: null, csat_skipped_reason: null });
    expect((await cycleRow(cycleId)).csat_sent_at).not.toBeNull();
    // The survey itself neither reopened the conversation nor made it anyone's work.
    expect((await statusOf(conversationId)).status).toBe("resolved");

    const unreadBefore = (await statusOf(conversationId)).unread_count;
    sim.state.customerSend(customer.id, {
      type: "button_reply",
      id: `csat:${cycleId}:3`,
      title: "Great",
      numberId: number.phoneNumberId,
    });
    await waitFor(async () => (await cycleRow(cycleId)).csat_score === 3);
    await bridge.idle();
    expect(await statusOf(conversationId)).toMatchObject({ status: "resolved", unread_count: unreadBefore });

    sim.state.customerSend(customer.id, {
      type: "button_reply",
      id: `csat:${cycleId}:1`,
      title: "Poor",
      numberId: number.phoneNumberId,
    });
    await waitFor(async () => {
      const [n] = await getDb().execute<{ n: number }>(sql`
        select count(*)::int as n from messages where conversation_id = ${conversationId}
          and direction = 'inbound' and type = 'interactive'`);
      return n!.n === 2;
    });
    await bridge.idle();
    expect((await cycleRow(cycleId)).csat_score).toBe(3);
    expect((await statusOf(conversationId)).status).toBe("resolved");
    const audits = await getDb().execute<{ action: string }>(sql`
      select action from audit_log where entity_id = ${conversationId} and action like 'csat.%' order by id`);
    expect(audits.map((a) => a.action)).toEqual(["csat.sent", "csat.answered"]);

    // An ordinary message afterwards still reopens it as usual.
    sim.state.customerSend(customer.id, {
      type: "text",
      text: "One more thing",
      numberId: number.phoneNumberId,
    });
    await waitFor(async () => (await statusOf(conversationId)).status === "open");
  });

  it("is due after a human worked the cycle, not after a cycle nobody owned or answered", async () => {
    const { conversationId, cycleId } = await workedAndResolved();
    expect(await getDb().transaction((tx) => csatCycleDue(tx, conversationId))).toBe(cycleId);

    const phone = `4477019${String(100000 + phoneSeq++).slice(-6)}`;
    const customer = sim.state.addCustomer({ name: `Customer ${phone}`, phone });
    sim.state.customerSend(customer.id, { type: "text", text: "Hours?", numberId: number.phoneNumberId });
    const { id: untouched } = await waitFor(async () => {
      const [found] = await getDb().execute<{ id: string }>(sql`
        select c.id from conversations c join contacts ct on ct.id = c.contact_id where ct.phone = ${phone}`);
      return found;
    });
    await bridge.idle();
    await resolveConversation({ ctx: system, input: { conversationId: untouched } });
    expect(await getDb().transaction((tx) => csatCycleDue(tx, untouched))).toBeNull();
  });

  it("outside the window with no template sends nothing and records why", async () => {
    const { conversationId, cycleId } = await workedAndResolved();
    await getDb().execute(sql`
      update conversations set window_expires_at = now() - interval '1 hour' where id = ${conversationId}`);
    const outcome = await sendCsatSurvey({ ctx: system, input: { cycleId } });
    expect(outcome).toEqual({ state: "skipped", reason: "window_closed_no_template" });
    expect(await cycleRow(cycleId)).toMatchObject({
      csat_sent_at: null,
      csat_message_id: null,
      csat_skipped_reason: "window_closed_no_template",
    });
    const [sent] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from messages where idempotency_key = ${`csat:${cycleId}`}`,
    );
    expect(sent!.n).toBe(0);
  });

  it("reports answered count, average and share of 'Great', overall and per agent, as plain SQL does", async () => {
    // Two more answered cycles with other scores, written directly: the figure is about the arithmetic.
    for (const score of [2, 1]) {
      const { cycleId } = await workedAndResolved();
      await getDb().execute(sql`
        update conversation_cycles set csat_score = ${score}, csat_answered_at = now() where id = ${cycleId}`);
    }
    const today = new Date().toISOString().slice(0, 10);
    const report = await getReport({ ctx: system, input: { from: today, to: today, group_by: "agent" } });
    const [expected] = await getDb().execute<{ answered: number; avg: string; positive: string }>(sql`
      select count(csat_score)::int as answered, round(avg(csat_score), 2)::text as avg,
        (count(*) filter (where csat_score = 3))::float8 / nullif(count(csat_score), 0) as positive
      from conversation_cycles where started_at >= ${today}::date and csat_score is not null`);
    expect(expected!.answered).toBe(3);
    expect(report.csat.overall).toEqual({
      answered: expected!.answered,
      avg: Number(expected!.avg),
      positive_rate: Number(expected!.positive),
    });
    expect(report.csat.rows[agentId]).toEqual(report.csat.overall);
    // The CSV export carries the same figures per row.
    const [header, ...lines] = reportCsv(report).trim().split("\r\n");
    expect(header).toMatch(/,csat_responses,csat_avg,csat_satisfied_rate$/);
    const agentLine = lines.find((l) => l.startsWith("Cass Agent,"))!;
    expect(agentLine.split(",").slice(-3)).toEqual([
      String(expected!.answered),
      String(Number(expected!.avg)),
      String(Number(expected!.positive)),
    ]);
  });
});
