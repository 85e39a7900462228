import crypto from "node:crypto";
import { count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { contacts, conversations, messages, webhookEvents } from "@/lib/db/schema";
import { setRuntimeEnv } from "@/lib/env.js";
import { addNumber } from "@/lib/numbers";
import { createTeam } from "@/lib/teams";
import { TEST_APP_SECRET, useTestDatabase } from "@/tests/int/db";
import { acceptWebhook, applyWebhookEvent } from "./index";

useTestDatabase();
const ctx = { actor: systemActor("test") };
const NUMBER = { wabaId: "300000000000001", phoneNumberId: "110000000000001", displayNumber: "+1 555 0101" };

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Support" } });
  await addNumber({ ctx, input: { ...NUMBER, coexistence: true, defaultTeamId: team.id } });
});

describe("webhook ingestion", () => {
  it("applies a duplicated webhook once: one message, one unread", async () => {
    const body = textWebhook({
      wamid: wamid(),
      from: "14155550111",
      bsuid: "US.100200300400",
      text: "Hello there",
    });
    const first = await acceptWebhook(signed(body));
    const second = await acceptWebhook(signed(body));
    expect([first.status, second.status]).toEqual([200, 200]);
    await apply(first.eventId!);
    await apply(second.eventId!);
    const rows = await getDb().select().from(messages).where(eq(messages.text, "Hello there"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ direction: "inbound", source: "customer", type: "text" });
    const [conversation] = await getDb()
      .select()
      .from(conversations)
      .where(eq(conversations.id, rows[0]!.conversationId));
    expect(conversation?.unreadCount).toBe(1);
    expect(conversation?.lastMessagePreview).toBe("Hello there");
  });

  it("stores nothing for a missing, wrong or malformed signature", async () => {
    const body = textWebhook({ wamid: wamid(), from: "14155550112", text: "forged" });
    const before = await eventCount();
    const good = sign(body);
    const attempts = [
      undefined,
      sign(body, "wrong-secret-000000"),
      good.toUpperCase().replace("SHA256=", "sha256="),
      good.slice(0, -2),
      `sha1=${crypto.createHmac("sha1", TEST_APP_SECRET).update(body).digest("hex")}`,
      sign(JSON.stringify(JSON.parse(body), null, 1)), // signature over re-serialized JSON
    ];
    for (const signature of attempts) {
      const ack = await acceptWebhook(request(body, signature));
      expect(ack.status).toBe(401);
    }
    const tampered = body.replace("forged", "forgeD");
    expect((await acceptWebhook(request(tampered, good))).status).toBe(401);
    expect(await eventCount()).toBe(before);
  });

  it("refuses a body over the cap with 413 before storing it", async () => {
    setRuntimeEnv({ WEBHOOK_MAX_BYTES: "2048" });
    try {
      const big = JSON.stringify({ object: "whatsapp_business_account", entry: [], pad: "x".repeat(5000) });
      const before = await eventCount();
      // No content-length: the cap must hold while streaming, not only on the declared size.
      const ack = await acceptWebhook({
        headers: new Headers({ "x-hub-signature-256": sign(big) }),
        body: stream(big, 512),
      });
      expect(ack.status).toBe(413);
      expect(await eventCount()).toBe(before);
    } finally {
      setRuntimeEnv({ WEBHOOK_MAX_BYTES: String(3 * 1024 * 1024) });
    }
  });

  it("keeps a signed body that is not JSON, marked failed with the reason", async () => {
    const ack = await acceptWebhook(signed("this is {not json"));
    expect(ack.status).toBe(200);
    const outcome = await apply(ack.eventId!);
    expect(outcome.state).toBe("failed");
    const [row] = await getDb().select().from(webhookEvents).where(eq(webhookEvents.id, ack.eventId!));
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/not valid JSON/);
    expect(row?.body.toString()).toBe("this is {not json");
  });

  it("stores but does not apply a webhook for an unknown number", async () => {
    const body = textWebhook({
      wamid: wamid(),
      from: "14155550113",
      text: "wrong number",
      phoneNumberId: "999",
    });
    const ack = await acceptWebhook(signed(body));
    const outcome = await apply(ack.eventId!);
    expect(outcome).toMatchObject({ state: "failed", applied: 0 });
    const [row] = await getDb().select().from(webhookEvents).where(eq(webhookEvents.id, ack.eventId!));
    expect(row?.error).toMatch(/unknown phone_number_id 999/);
    expect(await getDb().select().from(messages).where(eq(messages.text, "wrong number"))).toHaveLength(0);
  });

  it("lets one bad item in a batch fail alone", async () => {
    const body = JSON.parse(textWebhook({ wamid: wamid(), from: "14155550114", text: "batch one" }));
    const value = body.entry[0].changes[0].value;
    value.messages.push({
      from: "14155550114",
      timestamp: "1700000000",
      type: "text",
      text: { body: "no id" },
    });
    value.messages.push({ ...value.messages[0], id: wamid(), text: { body: "batch three" } });
    const ack = await acceptWebhook(signed(JSON.stringify(body)));
    const outcome = await apply(ack.eventId!);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ state: "processed", applied: 2 });
    const texts = await getDb()
      .select({ text: messages.text })
      .from(messages)
      .where(sql`${messages.text} like 'batch%'`);
    expect(texts.map((t) => t.text).sort()).toEqual(["batch one", "batch three"]);
    const [row] = await getDb().select().from(webhookEvents).where(eq(webhookEvents.id, ack.eventId!));
    expect(row?.error).toMatch(/messages\[1\]/);
  });

  it("creates a contact from a username and BSUID with no phone, and links the phone when it appears", async () => {
    const bsuid = "BR.777888999000111";
    const first = await acceptWebhook(
      signed(textWebhook({ wamid: wamid(), bsuid, username: "ana.b", text: "oi" })),
    );
    await apply(first.eventId!);
    const second = await acceptWebhook(
      signed(textWebhook({ wamid: wamid(), bsuid, from: "5511988887777", text: "again" })),
    );
    await apply(second.eventId!);
    const rows = await getDb().select().from(contacts).where(eq(contacts.bsuid, bsuid));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: "ana.b", phone: "5511988887777", wabaId: NUMBER.wabaId });
    const [threads] = await getDb()
      .select({ n: count() })
      .from(conversations)
      .where(eq(conversations.contactId, rows[0]!.id));
    expect(threads?.n).toBe(1);
  });

  it("orders by Meta's timestamp and opens the 24 h window from it", async () => {
    const at = Math.floor(Date.now() / 1000) - 3600;
    const ack = await acceptWebhook(
      signed(textWebhook({ wamid: wamid(), from: "14155550115", text: "timed", timestamp: at })),
    );
    await apply(ack.eventId!);
    const [row] = await getDb()
      .select({ ts: messages.timestamp, window: conversations.windowExpiresAt })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.text, "timed"));
    expect(row?.ts.getTime()).toBe(at * 1000);
    expect(row?.window?.getTime()).toBe((at + 24 * 3600) * 1000);
  });
});

function apply(eventId: number) {
  return applyWebhookEvent({ ctx, input: { eventId } });
}

async function eventCount() {
  const [row] = await getDb().select({ n: count() }).from(webhookEvents);
  return row?.n ?? 0;
}

function wamid() {
  return `wamid.test${crypto.randomBytes(10).toString("hex")}`;
}

function sign(body: string, secret = TEST_APP_SECRET) {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

function signed(body: string) {
  return request(body, sign(body));
}

function request(body: string, signature: string | undefined) {
  const headers = new Headers({ "content-length": String(Buffer.byteLength(body)) });
  if (signature) headers.set("x-hub-signature-256", signature);
  return { headers, body: stream(body, 4096) };
}

function stream(body: string, chunkSize: number): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(body);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + chunkSize)));
      offset += chunkSize;
    },
  });
}

function textWebhook(input: {
  wamid: string;
  text: string;
  from?: string;
  bsuid?: string;
  username?: string;
  phoneNumberId?: string;
  timestamp?: number;
}) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: NUMBER.wabaId,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: "15550101",
                phone_number_id: input.phoneNumberId ?? NUMBER.phoneNumberId,
              },
              contacts: [
                {
                  profile: { name: "Customer", ...(input.username ? { username: input.username } : {}) },
                  ...(input.from ? { wa_id: input.from } : {}),
                  ...(input.bsuid ? { user_id: input.bsuid } : {}),
                },
              ],
              messages: [
                {
                  ...(input.from ? { from: input.from } : {}),
                  ...(input.bsuid ? { from_user_id: input.bsuid } : {}),
                  id: input.wamid,
                  timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
                  type: "text",
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}
