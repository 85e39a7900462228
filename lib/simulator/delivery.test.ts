import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FIXTURE_CASES } from "./fixture-cases";
import { readFixture } from "./fixtures";
import { NUMBERS, startPair, valuesOf, type Loose } from "./test-helpers";

const COEX = NUMBERS[0]!.phoneNumberId;

let t: Awaited<ReturnType<typeof startPair>>;
beforeAll(async () => {
  t = await startPair();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.api("POST", "/reset");
  t.receiver.received.length = 0;
  t.receiver.statuses.length = 0;
});

describe("every fixture kind is delivered signed and retried on 500", () => {
  for (const [kind] of FIXTURE_CASES) {
    it(kind, async () => {
      t.receiver.statuses.push(500);
      const r = await t.api("POST", "/webhooks", { fixture: kind });
      await t.idle();
      expect(t.receiver.received).toHaveLength(2);
      for (const got of t.receiver.received) {
        expect(got.validSignature).toBe(true);
        expect(got.json).toEqual(readFixture(kind));
        expect(got.raw.every((b) => b < 0x80)).toBe(true); // ASCII only on the wire
      }
      const d = (await t.api("GET", "/deliveries")).body.find(
        (x: { id: number }) => x.id === r.body.deliveries[0],
      );
      expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([500, 200]);
      expect(d.state).toBe("delivered");
    });
  }
});

describe("delivery semantics", () => {
  it("signs the exact bytes: non-ASCII escaped as lowercase \\uXXXX", async () => {
    const c = (await t.api("POST", "/customers", { name: "Zoë", phone: "33612345678" })).body;
    await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "مرحبا 👋 café" });
    await t.idle();
    const got = t.receiver.received[0]!;
    expect(got.validSignature).toBe(true);
    const raw = got.raw.toString("utf8");
    expect(raw).toContain("\\u0645\\u0631\\u062d\\u0628\\u0627 \\ud83d\\udc4b caf\\u00e9");
    expect(raw).toContain('"Zo\\u00eb"');
    // re-serialising the parsed JSON gives different bytes: the trap the app must avoid
    expect(JSON.stringify(got.json)).not.toBe(raw);
  });

  it("retries per schedule, then gives up and records every attempt", async () => {
    t.receiver.statuses.push(500, 503, 404, 500);
    await t.api("POST", "/webhooks", { fixture: "message-text" });
    await t.idle();
    const [d] = (await t.api("GET", "/deliveries")).body;
    expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([500, 503, 404, 500]);
    expect(d.state).toBe("failed");
    const gaps = d.attempts.slice(1).map((a: { at: number }, i: number) => a.at - d.attempts[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(gaps[2]).toBeGreaterThanOrEqual(80);
  });

  it("treats a timeout as failure and retries", async () => {
    const { startPair: sp } = await import("./test-helpers");
    const slow = await sp({ webhookTimeoutMs: 100, retrySchedule: [20] });
    try {
      // point at a server that never answers
      const net = await import("node:net");
      const hang = net.createServer(() => {});
      await new Promise<void>((r) => hang.listen(0, "127.0.0.1", () => r()));
      slow.sim.state.opts.appWebhookUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}/`;
      await slow.api("POST", "/webhooks", { fixture: "message-text" });
      await slow.idle();
      const [d] = (await slow.api("GET", "/deliveries")).body;
      expect(d.attempts.map((a: { status: number; error?: string }) => [a.status, a.error])).toEqual([
        [0, "timeout"],
        [0, "timeout"],
      ]);
      hang.close();
    } finally {
      await slow.close();
    }
  });

  it("duplicates on demand (same bytes, same signature)", async () => {
    await t.api("POST", "/delivery", { duplicate: 2 });
    await t.api("POST", "/webhooks", { fixture: "status-read" });
    await t.idle();
    expect(t.receiver.received).toHaveLength(3);
    expect(new Set(t.receiver.received.map((r) => r.raw.toString())).size).toBe(1);
  });

  it("holds, then flushes reversed and batched into one POST", async () => {
    await t.api("POST", "/delivery", { hold: true });
    for (const f of ["status-sent", "status-delivered", "status-read"])
      await t.api("POST", "/webhooks", { fixture: f });
    expect((await t.api("GET", "/delivery")).body.held).toBe(3);
    await t.api("POST", "/delivery/flush", { order: "reverse", batch: "changes" });
    await t.idle();
    expect(t.receiver.received).toHaveLength(1);
    const statuses = valuesOf(t.receiver.received, "messages").flatMap((v) => v.statuses);
    expect(statuses.map((s) => s.status)).toEqual(["read", "delivered", "sent"]);
    expect((t.receiver.received[0]!.json as { entry: unknown[] }).entry).toHaveLength(1);
  });

  it("holds then flushes as separate entries", async () => {
    await t.api("POST", "/delivery", { hold: true });
    await t.api("POST", "/webhooks", { fixture: "message-text" });
    await t.api("POST", "/webhooks", { fixture: "echo-text" });
    await t.api("POST", "/delivery/flush", { batch: "entries" });
    await t.api("POST", "/delivery", { hold: false });
    await t.idle();
    expect((t.receiver.received[0]!.json as { entry: unknown[] }).entry).toHaveLength(2);
  });

  it("delays on demand", async () => {
    const started = Date.now();
    await t.api("POST", "/webhooks", { fixture: "message-text", delayMs: 150 });
    await t.idle();
    expect(t.receiver.received[0]!.at - started).toBeGreaterThanOrEqual(140);
  });
});

/** Structure only: keys and value types, so runtime payloads can be compared with fixtures. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

describe("simulator actions emit the fixture shapes", () => {
  async function lastPayload() {
    await t.idle();
    return t.receiver.received.at(-1)!.json;
  }
  async function customer(extra: object = {}) {
    return (await t.api("POST", "/customers", { name: "Kerry", phone: "16315551181", ...extra })).body;
  }

  const inboundCases: Array<[string, object, object?]> = [
    ["message-text", { type: "text", text: "hi" }],
    ["message-text-reply", { type: "text", text: "hi", contextId: "wamid.X" }],
    ["message-text-forwarded", { type: "text", text: "hi", forwarded: true }],
    ["message-image", { type: "image", caption: "c", withUrl: true }],
    ["message-video", { type: "video" }],
    ["message-audio", { type: "audio" }],
    ["message-voice", { type: "voice" }],
    ["message-document", { type: "document", caption: "c", filename: "a.pdf" }],
    ["message-sticker", { type: "sticker" }],
    ["message-location", { type: "location", latitude: 1, longitude: 2, name: "n", address: "a" }],
    ["message-contacts", { type: "contacts" }],
    ["message-interactive-button-reply", { type: "button_reply", id: "a", title: "b", contextId: "wamid.X" }],
    [
      "message-interactive-list-reply",
      { type: "list_reply", id: "a", title: "b", description: "d", contextId: "wamid.X" },
    ],
    [
      "message-interactive-nfm-reply",
      { type: "nfm_reply", flowToken: "f", response: { a: "1" }, contextId: "wamid.X" },
    ],
    ["message-button", { type: "button", payload: "p", text: "t", contextId: "wamid.X" }],
    ["message-reaction", { type: "reaction", messageId: "wamid.X", emoji: "👍" }],
    ["message-edit", { type: "edit", originalMessageId: "wamid.X", text: "new" }],
    ["message-revoke", { type: "revoke", originalMessageId: "wamid.X" }],
    ["message-unsupported", { type: "unsupported" }],
    ["message-unsupported-131060", { type: "unsupported", code: 131060 }],
    ["message-referral", { type: "text", text: "hi", referral: true }],
    ["message-text-username-no-phone", { type: "text", text: "hi" }, { phone: "", username: "noor" }],
    ["message-text-parent-bsuid", { type: "text", text: "hi" }, { parentBsuid: "DE.ENT.1" }],
  ];
  for (const [kind, input, who] of inboundCases) {
    it(kind, async () => {
      const c = await customer(who);
      await t.api("POST", `/customers/${c.id}/send`, input);
      expect(shape(await lastPayload())).toEqual(shape(readFixture(kind)));
    });
  }

  const echoCases: Array<[string, object, object?]> = [
    ["echo-text", { type: "text", text: "ok" }],
    ["echo-image", { type: "image", caption: "c" }],
    ["echo-edit", { type: "edit", originalMessageId: "wamid.X", text: "new" }],
    ["echo-revoke", { type: "revoke", originalMessageId: "wamid.X" }, { phone: "", username: "noor" }],
    ["echo-errors-only", { type: "errors" }],
  ];
  for (const [kind, input, who] of echoCases) {
    it(kind, async () => {
      const c = await customer(who);
      await t.api("POST", "/owner/send", { customerId: c.id, ...input });
      expect(shape(await lastPayload())).toEqual(shape(readFixture(kind)));
    });
  }

  it("status-sent / status-read / status-failed", async () => {
    const c = await customer();
    await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "hi" });
    t.receiver.received.length = 0;
    await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: c.phone,
      type: "text",
      text: { body: "x" },
      biz_opaque_callback_data: "cb",
    });
    await t.idle();
    const byStatus = (s: string) =>
      t.receiver.received.find((r) => JSON.stringify(r.json).includes(`"status":"${s}"`))!.json;
    expect(shape(byStatus("sent"))).toEqual(shape(readFixture("status-sent")));
    t.receiver.received.length = 0;
    await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: c.phone,
      type: "text",
      text: { body: "x" },
    });
    await t.idle();
    expect(shape(byStatus("read"))).toEqual(shape(readFixture("status-read")));
    await t.api("POST", "/clock", { advanceMs: 25 * 3600e3 });
    await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: c.phone,
      type: "text",
      text: { body: "x" },
      biz_opaque_callback_data: "cb",
    });
    await t.idle();
    expect(shape(byStatus("failed"))).toEqual(shape(readFixture("status-failed")));
  });

  it("identity, account, contacts, history declined", async () => {
    const c = await customer();
    await t.api("POST", `/customers/${c.id}/change-number`, { newPhone: "16315559999", userIdUpdate: true });
    await t.idle();
    const [sys, upd] = t.receiver.received.slice(-2).map((r) => r.json);
    expect(shape(sys)).toEqual(shape(readFixture("system-user-changed-number")));
    expect(shape(upd)).toEqual(shape(readFixture("user-id-update")));
    const n = (await t.api("POST", "/customers", { name: "Noor", username: "noor" })).body;
    await t.api("POST", `/customers/${n.id}/change-user-id`, {});
    expect(shape(await lastPayload())).toEqual(shape(readFixture("system-user-changed-user-id")));
    await t.api("POST", "/account-update", { event: "PARTNER_REMOVED", reason: "PRIMARY_INACTIVITY" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("account-update-partner-removed")));
    await t.api("POST", "/account-update", { event: "ACCOUNT_OFFBOARDED" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("account-update-offboarded")));
    await t.api("POST", `/customers/${c.id}/contact`, { action: "remove" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("state-sync-remove")));
    await t.api("POST", "/history", { declined: true });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("history-declined")));
  });

  it("history: chunks with phases and progress, recent media follow-up, old media stays a placeholder", async () => {
    const c = await customer();
    await t.api("POST", "/history", { customerIds: [c.id], messagesPerThread: 12, days: 180 });
    await t.idle();
    const values = valuesOf(t.receiver.received, "history");
    const chunks = values.flatMap((v) => v.history ?? []);
    expect(new Set(chunks.map((ch) => ch.metadata.phase))).toEqual(new Set([0, 1, 2]));
    expect(chunks.map((ch) => ch.metadata.chunk_order).sort()).toEqual([1, 2, 3]);
    expect(chunks.find((ch) => ch.metadata.chunk_order === 3).metadata.progress).toBe(100);
    const placeholders = chunks
      .flatMap((ch) => ch.threads[0].messages)
      .filter((m: { type: string }) => m.type === "media_placeholder");
    const followUps = values
      .filter((v) => v.messages || v.message_echoes)
      .flatMap((v) => [...(v.messages ?? []), ...(v.message_echoes ?? [])]);
    expect(placeholders.length).toBeGreaterThan(followUps.length);
    const now = Date.now() / 1000;
    for (const f of followUps) {
      expect(now - Number(f.timestamp)).toBeLessThan(14 * 86400);
      expect(placeholders.map((p: { id: string }) => p.id)).toContain(f.id);
    }
    const envs = t.receiver.received
      .map((r) => r.json as Loose)
      .filter((j) => j.entry[0].changes[0].field === "history");
    for (const env of envs) {
      const value = env.entry[0].changes[0].value;
      const kind = value.history ? null : value.messages ? "history-media-inbound" : "history-media-outbound";
      if (kind) expect(shape(env)).toEqual(shape(readFixture(kind)));
    }
    expect(
      envs.some((e) => e.entry[0].changes[0].value.messages || e.entry[0].changes[0].value.message_echoes),
    ).toBe(true);
  });

  it("templates: status and category updates", async () => {
    const tpl = (await t.api("POST", "/templates", { name: "x_one", status: "PENDING" })).body;
    await t.api("POST", `/templates/${tpl.id}/status`, { event: "APPROVED" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("template-status-approved")));
    await t.api("POST", `/templates/${tpl.id}/status`, { event: "REJECTED", reason: "INVALID_FORMAT" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("template-status-rejected")));
    await t.api("POST", `/templates/${tpl.id}/category`, { newCategory: "MARKETING" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("template-category-update")));
    await t.api("POST", `/templates/${tpl.id}/quality`, { score: "YELLOW" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("template-quality-update")));
  });

  it("user_preferences: stop and resume (phone, and phone hidden)", async () => {
    const c = await customer();
    await t.api("POST", `/customers/${c.id}/marketing`, { value: "stop" });
    expect(await lastPayload()).toEqual(
      expect.objectContaining({ entry: [expect.objectContaining({ id: NUMBERS[0]!.wabaId })] }),
    );
    expect(shape(await lastPayload())).toEqual(shape(readFixture("user-preferences-stop")));
    const n = (await t.api("POST", "/customers", { name: "Noor", username: "noor" })).body;
    await t.api("POST", `/customers/${n.id}/marketing`, { value: "resume" });
    expect(shape(await lastPayload())).toEqual(shape(readFixture("user-preferences-resume")));
  });
});
