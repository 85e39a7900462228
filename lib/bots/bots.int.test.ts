import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { sendMessage } from "@/lib/messaging";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import { DEFAULT_FLOW } from "./flow/default-flow";
import {
  botHandoff,
  botReplyTimedOut,
  botSend,
  authenticateBot,
  generateBotSecret,
  generateBotToken,
  publishFlow,
  runBot,
  takeOverConversation,
  upsertBot,
  verifyBotSignature,
  type BotRow,
} from "./index";

useTestDatabase();
const { ws, customer, drain } = useSimWorkspace("84");

// A stand-in for a customer's own bot: records what Tandem POSTs to it.
type Received = { body: string; timestamp: string; signature: string };
const received: Received[] = [];
let botServer: http.Server;
let botUrl = "";
let secret = "";
let token = "";
let bot: BotRow;
let ann: Actor;

beforeAll(async () => {
  botServer = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({
        body,
        timestamp: String(req.headers["x-tandem-timestamp"]),
        signature: String(req.headers["x-tandem-signature"]),
      });
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => botServer.listen(0, "127.0.0.1", resolve));
  botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/events`;
  const user = await createUser({
    ctx: system,
    input: {
      email: "ann-84@example.com",
      name: "Ann Agent",
      role: "agent",
      password: "correct horse battery",
      teamIds: [ws.teamId],
    },
  });
  ann = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
});
afterAll(async () => {
  await new Promise((resolve) => botServer.close(resolve));
});

async function useExternalBot() {
  await upsertBot({
    ctx: system,
    input: {
      numberId: ws.ids.A,
      name: "Acme AI",
      kind: "external",
      external_url: botUrl,
      reply_timeout_seconds: 30,
    },
  });
  secret = (await generateBotSecret({ ctx: system, input: { numberId: ws.ids.A } })).secret;
  token = (await generateBotToken({ ctx: system, input: { numberId: ws.ids.A } })).token;
  await upsertBot({
    ctx: system,
    input: {
      numberId: ws.ids.A,
      name: "Acme AI",
      kind: "external",
      external_url: botUrl,
      active: true,
      reply_timeout_seconds: 30,
    },
  });
  bot = await authenticateBot({}, `Bearer ${token}`);
}

async function status(conversationId: string) {
  const [row] = await getDb().execute<{ status: string; team_id: string | null }>(
    sql`select status, team_id from conversations where id = ${conversationId}`,
  );
  return row!;
}

async function timeline(conversationId: string) {
  return getDb().execute<{ type: string; data: Record<string, unknown> }>(
    sql`select type, data from conversation_events where conversation_id = ${conversationId} order by at, id`,
  );
}

describe("an external bot", () => {
  it("gets signed events for live customer messages, answers through the bot API and hands off with its findings", async () => {
    await useExternalBot();
    const c = await customer({ text: "I need a refund" });
    expect((await status(c.conversationId)).status).toBe("bot");
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    const event = received.at(-1)!;
    expect(verifyBotSignature(secret, event.timestamp, event.body, event.signature)).toBe(true);
    expect(JSON.parse(event.body)).toMatchObject({
      type: "message",
      conversation: { id: c.conversationId },
      message: { text: "I need a refund" },
    });
    // Running again sees nothing new: each message reaches the bot once.
    const before = received.length;
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    expect(received.length).toBe(before);

    const sent = await botSend({
      bot,
      conversationId: c.conversationId,
      idempotencyKey: "k1",
      message: { type: "text", text: "Sorry to hear that! Order number?" },
    });
    expect(sent.message).toMatchObject({ source: "bot", direction: "outbound" });
    expect(await drain()).toEqual(["accepted"]);

    // A routing rule sends refunds to the other team.
    await getDb().execute(sql`
      insert into routing_rules (name, position, conditions, team_id)
      values ('Refunds', 1, ${JSON.stringify({ keyword: "refund" })}::jsonb, ${ws.otherTeamId})`);
    const handed = await botHandoff({
      bot,
      conversationId: c.conversationId,
      summary: "Wants a refund for order 1234",
      fields: { order_number: "1234" },
    });
    expect(handed).toMatchObject({ status: "open", team_id: ws.otherTeamId });
    const handoff = (await timeline(c.conversationId)).find((e) => e.type === "handoff");
    expect(handoff?.data).toMatchObject({
      summary: "Wants a refund for order 1234",
      fields: { order_number: "1234" },
    });
    // The bot is done with it now.
    await expect(
      botSend({
        bot,
        conversationId: c.conversationId,
        idempotencyKey: "k2",
        message: { type: "text", text: "late" },
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    await getDb().execute(sql`delete from routing_rules`);
  });

  it("hands off by itself when the bot does not answer in time, and never touches another number's conversations", async () => {
    await useExternalBot();
    const c = await customer({ text: "hello?" });
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    expect(await botReplyTimedOut({ ctx: system, input: { conversationId: c.conversationId } })).toBe(false);
    await getDb().execute(sql`
      update bot_sessions set awaiting_reply_since = now() - interval '31 seconds' where conversation_id = ${c.conversationId}`);
    expect(await botReplyTimedOut({ ctx: system, input: { conversationId: c.conversationId } })).toBe(true);
    expect((await status(c.conversationId)).status).toBe("open");
    const other = await customer({ number: "B", text: "hi" });
    await expect(
      botSend({
        bot,
        conversationId: other.conversationId,
        idempotencyKey: "x",
        message: { type: "text", text: "hi" },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("humans take over", () => {
  it("the owner answering from the phone stops the bot at once and drops the reply it had queued", async () => {
    await useExternalBot();
    const c = await customer({ text: "Is anyone there?" });
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    // The bot queues an answer, but before the queue sends it the owner replies from the phone.
    await botSend({
      bot,
      conversationId: c.conversationId,
      idempotencyKey: "slow",
      message: { type: "text", text: "Bot answer" },
    });
    ws.sim.state.ownerSend(c.simId, {
      type: "text",
      text: "Hi, it's Maria here",
      numberId: ws.numberA.phoneNumberId,
    });
    await waitFor(async () => (await status(c.conversationId)).status === "open");
    expect(await drain()).toEqual(["failed"]);
    const [dropped] = await getDb().execute<{ status: string; code: string }>(sql`
      select status, error->>'code' as code from messages where conversation_id = ${c.conversationId} and source = 'bot'`);
    expect(dropped).toEqual({ status: "failed", code: "bot_reply_dropped" });
    const paused = (await timeline(c.conversationId)).find((e) => e.type === "bot_paused");
    expect(paused?.data).toMatchObject({ reason: "owner_replied" });
    // Later customer messages go to humans, not the bot.
    const before = received.length;
    ws.sim.state.customerSend(c.simId, { type: "text", text: "thanks", numberId: ws.numberA.phoneNumberId });
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    expect(received.length).toBe(before);
  });

  it("an agent replying or taking over stops the bot too", async () => {
    await useExternalBot();
    const c = await customer({ text: "help" });
    await sendMessage({
      ctx: { actor: ann },
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `ann-${c.conversationId}`,
        message: { type: "text", text: "Ann here" },
      },
    });
    expect((await status(c.conversationId)).status).toBe("open");
    expect((await timeline(c.conversationId)).find((e) => e.type === "bot_paused")?.data).toMatchObject({
      reason: "agent_replied",
    });

    const d = await customer({ text: "help again" });
    const taken = await takeOverConversation({
      ctx: { actor: ann },
      input: { conversationId: d.conversationId },
    });
    expect(taken).toEqual({ status: "open", assignee_id: ann.type === "user" ? ann.id : null });
    await expect(
      takeOverConversation({ ctx: { actor: ann }, input: { conversationId: d.conversationId } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("the built-in flow bot", () => {
  it("greets, and hands off with what it collected when the customer asks for a person", async () => {
    await upsertBot({ ctx: system, input: { numberId: ws.ids.A, name: "Helper", kind: "flow" } });
    const { version } = await publishFlow({
      ctx: system,
      input: { numberId: ws.ids.A, definition: DEFAULT_FLOW },
    });
    expect(version).toBeGreaterThanOrEqual(1);
    await upsertBot({
      ctx: system,
      input: { numberId: ws.ids.A, name: "Helper", kind: "flow", active: true },
    });
    const c = await customer({ text: "Hi" });
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    await drain();
    // The greeting and the language menu go out as one message, accepted by Meta.
    const sent = await getDb().execute<{ type: string; status: string }>(sql`
      select type, status::text as status from messages where conversation_id = ${c.conversationId} and source = 'bot'`);
    expect(sent).toEqual([{ type: "interactive", status: expect.stringMatching(/^(sent|delivered|read)$/) }]);
    ws.sim.state.customerSend(c.simId, { type: "text", text: "agent", numberId: ws.numberA.phoneNumberId });
    await waitFor(async () => {
      const [row] = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from messages where conversation_id = ${c.conversationId} and source = 'customer'`,
      );
      return row!.n === 2;
    });
    await runBot({ ctx: system, input: { conversationId: c.conversationId } });
    expect((await status(c.conversationId)).status).toBe("open");
    expect((await timeline(c.conversationId)).some((e) => e.type === "handoff")).toBe(true);
    await upsertBot({
      ctx: system,
      input: { numberId: ws.ids.A, name: "Helper", kind: "flow", active: false },
    });
  });
});
