import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NUMBERS, startPair, valuesOf, type Loose, type Received } from "./test-helpers";

const COEX = NUMBERS[0]!.phoneNumberId;
const STD = NUMBERS[1]!.phoneNumberId;
const WABA = NUMBERS[0]!.wabaId;

let t: Awaited<ReturnType<typeof startPair>>;
beforeAll(async () => {
  t = await startPair({
    templates: [{ name: "hello_world", components: [{ type: "BODY", text: "Hello {{1}}" }] }],
  });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.api("POST", "/reset");
  t.receiver.received.length = 0;
});

/** Webhooks in the order the simulator emitted them: concurrent POSTs may reach the receiver in another. */
const emitted = () => t.sim.state.delivery.deliveries.map((d) => ({ json: JSON.parse(d.body) }) as Received);

const text = (to: string, body = "hi", extra: object = {}) => ({
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to,
  type: "text",
  text: { body },
  ...extra,
});

async function customerWrites(phone = "447700900123", name = "Ada") {
  const c = await t.api("POST", "/customers", { name, phone });
  await t.api("POST", `/customers/${c.body.id}/send`, { type: "text", text: "hello" });
  return c.body;
}

describe("Graph API: send", () => {
  it("rejects a bad token with 190 / HTTP 401", async () => {
    const r = await t.graph("POST", `/${COEX}/messages`, text("1"), "wrong");
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(190);
    expect(r.body.error.type).toBe("OAuthException");
  });

  it("accepts a text in the window and answers with Meta's shape, then sent → delivered → read", async () => {
    const c = await customerWrites();
    const r = await t.graph(
      "POST",
      `/${COEX}/messages`,
      text("+44 7700 900123", "hi there", { biz_opaque_callback_data: "m1" }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      messaging_product: "whatsapp",
      contacts: [{ input: "+44 7700 900123", wa_id: "447700900123" }],
      messages: [{ id: expect.stringMatching(/^wamid\./), message_status: "accepted" }],
    });
    await t.idle();
    const statuses = valuesOf(emitted(), "messages")
      .flatMap((v) => v.statuses ?? [])
      .filter((s) => s.id === r.body.messages[0].id);
    expect(statuses.map((s) => s.status)).toEqual(["sent", "delivered", "read"]);
    for (const s of statuses) {
      expect(s).toMatchObject({
        id: r.body.messages[0].id,
        recipient_id: "447700900123",
        recipient_user_id: c.bsuid,
        biz_opaque_callback_data: "m1",
      });
      expect(s.pricing).toEqual({
        billable: false,
        pricing_model: "PMP",
        type: "free_customer_service",
        category: "service",
      });
    }
    expect((await t.api("GET", "/sends")).body.byCallbackData).toEqual({ m1: 1 });
  });

  it("sends to a BSUID with `recipient` and answers with user_id", async () => {
    const c = await t.api("POST", "/customers", { name: "Noor", username: "noor" });
    await t.api("POST", `/customers/${c.body.id}/send`, { type: "text", text: "hey" });
    const r = await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      recipient: c.body.bsuid,
      type: "text",
      text: { body: "hi" },
    });
    expect(r.body.contacts).toEqual([{ input: c.body.bsuid, user_id: c.body.bsuid }]);
  });

  it("131047 outside the window: async failed status by default, sync when configured; echoes and history never open it", async () => {
    const c = (await t.api("POST", "/customers", { name: "Bo", phone: "447700900124" })).body;
    await t.api("POST", "/owner/send", { customerId: c.id, type: "text", text: "from the phone" });
    await t.api("POST", "/history", { customerIds: [c.id], messagesPerThread: 3 });
    const r = await t.graph("POST", `/${COEX}/messages`, text(c.phone));
    expect(r.status).toBe(200);
    await t.idle();
    const failed = valuesOf(t.receiver.received, "messages").flatMap((v) => v.statuses ?? []);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: "failed", errors: [{ code: 131047 }] });
    expect(failed[0].recipient_user_id).toBeUndefined();

    await t.api("POST", "/config", { windowErrors: "sync" });
    const sync = await t.graph("POST", `/${COEX}/messages`, text(c.phone));
    expect(sync.status).toBe(400);
    expect(sync.body.error.code).toBe(131047);

    // inbound opens it; 24 h later it is closed again
    await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "hi" });
    expect((await t.graph("POST", `/${COEX}/messages`, text(c.phone))).status).toBe(200);
    await t.api("POST", "/clock", { advanceMs: 24 * 3600 * 1000 });
    expect((await t.graph("POST", `/${COEX}/messages`, text(c.phone))).body.error.code).toBe(131047);
    // templates still go out
    const tpl = await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: c.phone,
      type: "template",
      template: {
        name: "hello_world",
        language: { code: "en_US" },
        components: [{ type: "body", parameters: [{ type: "text", text: "Bo" }] }],
      },
    });
    expect(tpl.status).toBe(200);
  });

  it("131026 for an unknown recipient", async () => {
    await t.api("POST", "/config", { windowErrors: "sync" });
    const r = await t.graph("POST", `/${COEX}/messages`, text("19999999999"));
    expect(r.body.error.code).toBe(131026);
  });

  it("throughput: 20/s on Coexistence (130429, HTTP 429), 80/s otherwise", async () => {
    await t.api("POST", "/config", { pairRate: { burst: 1000, refillMs: 6000 } });
    await customerWrites();
    // A loaded machine may spread the burst over more than one second, letting a new window's sends in:
    // then the limit holds per started second instead of exactly.
    const fire = async (pnid: string, n: number, limit: number) => {
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: n }, () => t.graph("POST", `/${pnid}/messages`, text("447700900123"))),
      );
      const seconds = Math.ceil((performance.now() - started) / 1000);
      const accepted = answers.filter((r) => r.status === 200).length;
      if (seconds <= 1) expect(accepted).toBe(limit);
      else expect(accepted).toBeLessThanOrEqual(Math.min(n, limit * seconds));
      expect(accepted).toBeGreaterThanOrEqual(limit);
      for (const r of answers.filter((r) => r.status !== 200)) {
        expect(r.status).toBe(429);
        expect(r.body.error.code).toBe(130429);
      }
      return answers;
    };
    await fire(COEX, 25, 20);
    await t.api("POST", `/customers/c1/send`, { type: "text", text: "x", numberId: STD });
    await fire(STD, 85, 80);
  });

  it("pair rate: 131056 after the burst to one user", async () => {
    await t.api("POST", "/config", { pairRate: { burst: 3, refillMs: 60000 } });
    await customerWrites();
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await t.graph("POST", `/${COEX}/messages`, text("447700900123"))).body.error?.code ?? 0);
    expect(codes).toEqual([0, 0, 0, 131056]);
  });

  it("mark as read + typing indicator answers {success:true}", async () => {
    await customerWrites();
    const msgs = (await t.api("GET", "/customers/c1/messages")).body;
    const r = await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      status: "read",
      message_id: msgs[0].id,
      typing_indicator: { type: "text" },
    });
    expect(r.body).toEqual({ success: true });
  });

  it("injected faults: sync code, HTTP 500, async failed status", async () => {
    await customerWrites();
    await t.api("POST", "/faults", { code: 131000, count: 1 });
    expect((await t.graph("POST", `/${COEX}/messages`, text("447700900123"))).body.error.code).toBe(131000);
    await t.api("POST", "/faults", { httpStatus: 503, count: 1 });
    expect((await t.graph("POST", `/${COEX}/messages`, text("447700900123"))).status).toBe(503);
    expect((await t.graph("POST", `/${COEX}/messages`, text("447700900123"))).status).toBe(200);
    await t.idle();
    t.receiver.received.length = 0;
    await t.api("POST", "/faults", { code: 131049, async: true, count: 1 });
    expect((await t.graph("POST", `/${COEX}/messages`, text("447700900123"))).status).toBe(200);
    await t.idle();
    const st = valuesOf(t.receiver.received, "messages").flatMap((v) => v.statuses ?? []);
    expect(st.map((s) => [s.status, s.errors?.[0]?.code])).toEqual([["failed", 131049]]);
  });

  it("status plans: skip delivered, or fail", async () => {
    const c = await customerWrites();
    await t.api("PATCH", `/customers/${c.id}`, { statusPlan: ["read"] });
    await t.graph("POST", `/${COEX}/messages`, text(c.phone));
    await t.idle();
    expect(
      valuesOf(t.receiver.received, "messages")
        .flatMap((v) => v.statuses ?? [])
        .map((s) => s.status),
    ).toEqual(["read"]);
  });

  it("validates bodies like Meta (missing text body, >3 buttons)", async () => {
    await customerWrites();
    expect(
      (
        await t.graph("POST", `/${COEX}/messages`, {
          messaging_product: "whatsapp",
          to: "447700900123",
          type: "text",
          text: {},
        })
      ).body.error.code,
    ).toBe(131008);
    const buttons = Array.from({ length: 4 }, (_, i) => ({
      type: "reply",
      reply: { id: `b${i}`, title: "x" },
    }));
    const r = await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: "447700900123",
      type: "interactive",
      interactive: { type: "button", body: { text: "?" }, action: { buttons } },
    });
    expect(r.body.error.code).toBe(131009);
  });
});

describe("Graph API: templates", () => {
  it("create → PENDING → APPROVED with webhook; 132001 while pending; list and delete", async () => {
    await customerWrites();
    const body = {
      name: "order_ready",
      language: "en_US",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Order {{1}} ready" }],
    };
    const created = await t.graph("POST", `/${WABA}/message_templates`, body);
    expect(created.body).toEqual({ id: expect.any(String), status: "PENDING", category: "UTILITY" });
    const send = (params: object[]) =>
      t.graph("POST", `/${COEX}/messages`, {
        messaging_product: "whatsapp",
        to: "447700900123",
        type: "template",
        template: {
          name: "order_ready",
          language: { code: "en_US" },
          components: [{ type: "body", parameters: params }],
        },
      });
    expect((await send([{ type: "text", text: "1" }])).body.error.code).toBe(132001);
    await t.idle();
    const ev = valuesOf(t.receiver.received, "message_template_status_update");
    expect(ev).toEqual([
      {
        event: "APPROVED",
        message_template_id: Number(created.body.id),
        message_template_name: "order_ready",
        message_template_language: "en_US",
        reason: "NONE",
        message_template_category: "UTILITY",
      },
    ]);
    expect((await send([{ type: "text", text: "1" }])).status).toBe(200);
    expect((await send([])).body.error.code).toBe(132000);

    const list = await t.graph("GET", `/${WABA}/message_templates?fields=name,status`);
    expect(list.body.data).toContainEqual({ name: "order_ready", status: "APPROVED", id: created.body.id });
    await t.api("POST", `/templates/${created.body.id}/status`, { event: "PAUSED" });
    expect((await send([{ type: "text", text: "1" }])).body.error.code).toBe(132015);
    expect((await t.graph("DELETE", `/${WABA}/message_templates?name=order_ready`)).body).toEqual({
      success: true,
    });
    expect((await send([{ type: "text", text: "1" }])).body.error.code).toBe(132001);
  });

  it("a template named *reject* is REJECTED", async () => {
    await t.graph("POST", `/${WABA}/message_templates`, {
      name: "please_reject",
      language: "en_US",
      category: "MARKETING",
      components: [{ type: "BODY", text: "x" }],
    });
    await t.idle();
    expect(valuesOf(t.receiver.received, "message_template_status_update")[0]).toMatchObject({
      event: "REJECTED",
      reason: "INVALID_FORMAT",
    });
  });
});

describe("Graph API: media, number info, coexistence", () => {
  it("upload, get url, download with bearer, delete", async () => {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", "image/png");
    form.set("file", new Blob([new Uint8Array([1, 2, 3, 4])], { type: "image/png" }), "x.png");
    const up = await fetch(`${t.sim.url}/v25.0/${COEX}/media`, {
      method: "POST",
      headers: { authorization: "Bearer test-token" },
      body: form,
    });
    const { id } = (await up.json()) as { id: string };
    expect(id).toMatch(/^\d+$/);
    const info = await t.graph("GET", `/${id}`);
    expect(info.body).toMatchObject({
      messaging_product: "whatsapp",
      mime_type: "image/png",
      file_size: 4,
      id,
    });
    expect(info.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const noAuth = await fetch(info.body.url);
    expect(noAuth.status).toBe(401);
    const dl = await fetch(info.body.url, { headers: { authorization: "Bearer test-token" } });
    expect([...new Uint8Array(await dl.arrayBuffer())]).toEqual([1, 2, 3, 4]);
    expect((await t.graph("DELETE", `/${id}`)).body).toEqual({ success: true });
    expect((await t.graph("GET", `/${id}`)).body.error.code).toBe(100);
  });

  it("inbound customer media can be fetched by the app", async () => {
    const c = (await t.api("POST", "/customers", { name: "Ada", phone: "447700900123" })).body;
    await t.api("POST", `/customers/${c.id}/send`, {
      type: "image",
      caption: "look",
      dataBase64: Buffer.from("PNGDATA").toString("base64"),
      mimeType: "image/png",
    });
    await t.idle();
    const msg = valuesOf(t.receiver.received, "messages")[0]!.messages[0];
    expect(msg.image).toMatchObject({ caption: "look", mime_type: "image/png" });
    const info = await t.graph("GET", `/${msg.image.id}`);
    const dl = await fetch(info.body.url, { headers: { authorization: "Bearer test-token" } });
    expect(await dl.text()).toBe("PNGDATA");
  });

  it("phone number info", async () => {
    expect((await t.graph("GET", `/${COEX}?fields=is_on_biz_app,platform_type`)).body).toEqual({
      is_on_biz_app: true,
      platform_type: "CLOUD_API",
      id: COEX,
    });
    expect((await t.graph("GET", `/${STD}?fields=is_on_biz_app`)).body).toEqual({
      is_on_biz_app: false,
      id: STD,
    });
  });

  it("smb_app_data: contact sync and history once per onboarding", async () => {
    await t.api("POST", "/customers", { name: "Ada", phone: "447700900123" });
    await t.api("POST", "/customers", { name: "Noor", username: "noor" });
    const a = await t.graph("POST", `/${COEX}/smb_app_data`, {
      messaging_product: "whatsapp",
      sync_type: "smb_app_state_sync",
    });
    expect(a.body).toEqual({ messaging_product: "whatsapp", request_id: expect.any(String) });
    expect(
      (
        await t.graph("POST", `/${COEX}/smb_app_data`, {
          messaging_product: "whatsapp",
          sync_type: "smb_app_state_sync",
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.graph("POST", `/${COEX}/smb_app_data`, {
          messaging_product: "whatsapp",
          sync_type: "history",
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.graph("POST", `/${STD}/smb_app_data`, { messaging_product: "whatsapp", sync_type: "history" }))
        .status,
    ).toBe(400);
    await t.idle();
    const sync = valuesOf(t.receiver.received, "smb_app_state_sync");
    expect(sync[0]!.state_sync).toHaveLength(2);
    const chunks = valuesOf(t.receiver.received, "history").flatMap((v) => v.history ?? []);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Math.max(...chunks.map((c) => c.metadata.progress))).toBe(100);
    expect(new Set(chunks.map((c) => c.metadata.chunk_order)).size).toBe(chunks.length);
    const msgs = chunks.flatMap((c) => c.threads.flatMap((th: { messages: object[] }) => th.messages));
    expect(msgs.some((m: Loose) => m.type === "media_placeholder")).toBe(true);
    expect(msgs.some((m: Loose) => m.from === NUMBERS[0]!.displayNumber && m.to)).toBe(true);
  });

  it("subscribed_apps with an override runs the verification handshake", async () => {
    expect(
      (
        await t.graph("POST", `/${WABA}/subscribed_apps`, {
          override_callback_uri: "http://127.0.0.1:1/nothing",
          verify_token: "v",
        })
      ).status,
    ).toBe(400);
    expect((await t.graph("POST", `/${WABA}/subscribed_apps`)).body).toEqual({ success: true });
    expect((await t.graph("GET", `/${WABA}/subscribed_apps`)).body.data).toHaveLength(1);
  });

  it("records every request the app made", async () => {
    await t.graph("GET", `/${COEX}?fields=is_on_biz_app`);
    const reqs = (await t.api("GET", "/requests")).body;
    expect(reqs.at(-1)).toMatchObject({
      method: "GET",
      path: `/v25.0/${COEX}`,
      status: 200,
      query: { fields: "is_on_biz_app" },
    });
  });
});

describe("backdated customer messages", () => {
  it("ageMs older than 24 h leaves the window closed", async () => {
    await t.api("POST", "/config", { windowErrors: "sync" });
    const c = (await t.api("POST", "/customers", { name: "Old", phone: "447700900199" })).body;
    await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "yesterday", ageMs: 25 * 3600e3 });
    await t.idle();
    const ts = Number(valuesOf(t.receiver.received, "messages")[0]!.messages[0].timestamp);
    expect(Date.now() / 1000 - ts).toBeGreaterThan(24 * 3600);
    expect((await t.graph("POST", `/${COEX}/messages`, text(c.phone))).body.error.code).toBe(131047);
  });
});

describe("voice notes: played (§3, since Mar 2026)", () => {
  const audio = (to: string, audioBody: object) => ({
    messaging_product: "whatsapp",
    to,
    type: "audio",
    audio: audioBody,
  });
  const statusesOf = (id: string) =>
    valuesOf(emitted(), "messages")
      .flatMap((v) => v.statuses ?? [])
      .filter((s) => s.id === id)
      .map((s) => s.status);

  it("a voice note (OGG/Opus upload or .ogg link) goes sent → delivered → read → played; other audio stops at read", async () => {
    const c = await customerWrites();
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", "audio/ogg; codecs=opus");
    form.set("file", new Blob([new Uint8Array([0x4f, 0x67, 0x67, 0x53])], { type: "audio/ogg" }), "n.ogg");
    const up = await fetch(`${t.sim.url}/v25.0/${COEX}/media`, {
      method: "POST",
      headers: { authorization: "Bearer test-token" },
      body: form,
    });
    const { id: mediaId } = (await up.json()) as { id: string };
    const byId = await t.graph("POST", `/${COEX}/messages`, audio(c.phone, { id: mediaId }));
    const byLink = await t.graph(
      "POST",
      `/${COEX}/messages`,
      audio(c.phone, { link: "https://x.test/n.ogg" }),
    );
    const mp3 = await t.graph("POST", `/${COEX}/messages`, audio(c.phone, { link: "https://x.test/a.mp3" }));
    const txt = await t.graph("POST", `/${COEX}/messages`, text(c.phone));
    await t.idle();
    expect(statusesOf(byId.body.messages[0].id)).toEqual(["sent", "delivered", "read", "played"]);
    expect(statusesOf(byLink.body.messages[0].id)).toEqual(["sent", "delivered", "read", "played"]);
    expect(statusesOf(mp3.body.messages[0].id)).toEqual(["sent", "delivered", "read"]);
    expect(statusesOf(txt.body.messages[0].id)).toEqual(["sent", "delivered", "read"]);
    const played = valuesOf(t.receiver.received, "messages")
      .flatMap((v) => v.statuses ?? [])
      .find((s) => s.status === "played");
    expect(played).toMatchObject({
      recipient_id: c.phone,
      recipient_user_id: c.bsuid,
      pricing: { category: "service" },
    });
    const chat = (await t.api("GET", `/customers/${c.id}/messages`)).body;
    expect(chat.find((m: Loose) => m.id === byId.body.messages[0].id)).toMatchObject({
      voice: true,
      status: "played",
    });
  });

  it("configurable: off globally, placed by a plan, never for non-voice, or played on demand", async () => {
    const c = await customerWrites();
    const send = async (link: string) =>
      (await t.graph("POST", `/${COEX}/messages`, audio(c.phone, { link }))).body.messages[0].id as string;

    await t.api("POST", "/config", { voicePlayed: false });
    const off = await send("https://x.test/1.ogg");
    await t.idle();
    expect(statusesOf(off)).toEqual(["sent", "delivered", "read"]);

    // a plan can put `played` anywhere (e.g. reordered), and it is dropped for anything but a voice note
    await t.api("PATCH", `/customers/${c.id}`, { statusPlan: ["sent", "played", "read"] });
    const reordered = await send("https://x.test/2.ogg");
    const notVoice = await send("https://x.test/2.mp3");
    await t.idle();
    expect(statusesOf(reordered)).toEqual(["sent", "played", "read"]);
    expect(statusesOf(notVoice)).toEqual(["sent", "read"]);

    // stop at delivered, then the customer plays it: read, then played
    await t.api("PATCH", `/customers/${c.id}`, { statusPlan: ["sent", "delivered"] });
    const later = await send("https://x.test/3.ogg");
    await t.idle();
    expect(statusesOf(later)).toEqual(["sent", "delivered"]);
    expect((await t.api("POST", `/customers/${c.id}/play`, { messageId: later })).body).toEqual({
      played: 1,
    });
    await t.idle();
    expect(statusesOf(later)).toEqual(["sent", "delivered", "read", "played"]);
    expect((await t.api("POST", `/customers/${c.id}/play`, { messageId: later })).status).toBe(404);
  });
});

describe("disconnected numbers (account_update)", () => {
  it("after PARTNER_REMOVED or ACCOUNT_OFFBOARDED sends fail with 133010 until ACCOUNT_RECONNECTED, per number", async () => {
    const c = await customerWrites();
    await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "x", numberId: STD });
    for (const event of ["PARTNER_REMOVED", "ACCOUNT_OFFBOARDED"]) {
      await t.api("POST", "/account-update", { numberId: COEX, event });
      const r = await t.graph("POST", `/${COEX}/messages`, text(c.phone));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 133010, type: "OAuthException" });
      expect(r.body.error.message).toBe("(#133010) Phone number Not Registered");
      // mark-as-read goes through the same edge and fails the same way
      const msgs = (await t.api("GET", `/customers/${c.id}/messages?numberId=${COEX}`)).body;
      const read = await t.graph("POST", `/${COEX}/messages`, {
        messaging_product: "whatsapp",
        status: "read",
        message_id: msgs[0].id,
      });
      expect(read.body.error.code).toBe(133010);
      // the other number is unaffected
      expect((await t.graph("POST", `/${STD}/messages`, text(c.phone))).status).toBe(200);
      expect((await t.graph("GET", `/${COEX}?fields=platform_type`)).body.platform_type).toBe(
        "NOT_APPLICABLE",
      );
      await t.api("POST", "/account-update", { numberId: COEX, event: "ACCOUNT_RECONNECTED" });
      expect((await t.graph("POST", `/${COEX}/messages`, text(c.phone))).status).toBe(200);
    }
    await t.idle();
    // nothing was accepted while disconnected: only the 2 COEX + 2 STD sends produce statuses
    const sent = valuesOf(t.receiver.received, "messages")
      .flatMap((v) => v.statuses ?? [])
      .filter((s) => s.status === "sent");
    expect(sent).toHaveLength(4);
    expect((await t.api("GET", "/state")).body.numbers[0].connected).toBe(true);
  });
});

describe("user_preferences and template quality", () => {
  const promo = (to: string) => ({
    messaging_product: "whatsapp",
    to,
    type: "template",
    template: {
      name: "promo",
      language: { code: "en_US" },
      components: [{ type: "body", parameters: [{ type: "text", text: "20%" }] }],
    },
  });

  it("stop → user_preferences webhook, marketing templates fail with 131050 (utility still goes); resume lifts it", async () => {
    await t.api("POST", "/templates", {
      name: "promo",
      category: "MARKETING",
      components: [{ type: "BODY", text: "Sale: {{1}} off" }],
    });
    const c = await customerWrites();
    const stop = await t.api("POST", `/customers/${c.id}/marketing`, { value: "stop" });
    expect(stop.body.marketingStopped).toBe(true);
    await t.idle();
    expect(valuesOf(t.receiver.received, "user_preferences").at(-1)!.user_preferences).toEqual([
      {
        wa_id: c.phone,
        user_id: c.bsuid,
        detail: "User requested to stop marketing messages",
        category: "marketing_messages",
        value: "stop",
        timestamp: expect.any(Number),
      },
    ]);
    t.receiver.received.length = 0;
    const r = await t.graph("POST", `/${COEX}/messages`, promo(c.phone));
    expect(r.status).toBe(200);
    const utility = await t.graph("POST", `/${COEX}/messages`, {
      ...promo(c.phone),
      template: { ...promo(c.phone).template, name: "hello_world" },
    });
    await t.idle();
    const st = valuesOf(t.receiver.received, "messages").flatMap((v) => v.statuses ?? []);
    expect(
      st.filter((s) => s.id === r.body.messages[0].id).map((s) => [s.status, s.errors?.[0]?.code]),
    ).toEqual([["failed", 131050]]);
    expect(st.filter((s) => s.id === utility.body.messages[0].id).map((s) => s.status)).toEqual([
      "sent",
      "delivered",
      "read",
    ]);

    await t.api("POST", `/customers/${c.id}/marketing`, { value: "resume" });
    await t.idle();
    expect(valuesOf(t.receiver.received, "user_preferences").at(-1)!.user_preferences[0].value).toBe(
      "resume",
    );
    t.receiver.received.length = 0;
    const again = await t.graph("POST", `/${COEX}/messages`, promo(c.phone));
    await t.idle();
    expect(
      valuesOf(t.receiver.received, "messages")
        .flatMap((v) => v.statuses ?? [])
        .filter((s) => s.id === again.body.messages[0].id)
        .map((s) => s.status),
    ).toEqual(["sent", "delivered", "read"]);
    expect((await t.api("POST", `/customers/${c.id}/marketing`, { value: "maybe" })).status).toBe(400);
  });

  it("quality: message_template_quality_update with previous/new score, reflected in GET quality_score", async () => {
    const tpl = (await t.api("GET", "/templates")).body[0];
    for (const [prev, next] of [
      ["GREEN", "YELLOW"],
      ["YELLOW", "RED"],
      ["RED", "UNKNOWN"],
      ["UNKNOWN", "GREEN"],
    ]) {
      await t.api("POST", `/templates/${tpl.id}/quality`, { score: next });
      await t.idle();
      expect(valuesOf(t.receiver.received, "message_template_quality_update").at(-1)).toEqual({
        previous_quality_score: prev,
        new_quality_score: next,
        message_template_id: Number(tpl.id),
        message_template_name: tpl.name,
        message_template_language: "en_US",
      });
    }
    await t.api("POST", `/templates/${tpl.id}/quality`, { score: "RED" });
    expect((await t.graph("GET", `/${tpl.id}?fields=quality_score`)).body.quality_score).toEqual({
      score: "RED",
    });
    expect((await t.api("POST", `/templates/${tpl.id}/quality`, { score: "BLUE" })).status).toBe(400);
  });
});

describe("flows: interactive nfm_reply inbound", () => {
  it("a flow message offers the form to the customer; the answer arrives as nfm_reply with context", async () => {
    const c = await customerWrites();
    const r = await t.graph("POST", `/${COEX}/messages`, {
      messaging_product: "whatsapp",
      to: c.phone,
      type: "interactive",
      interactive: {
        type: "flow",
        body: { text: "Book a table" },
        action: { name: "flow", parameters: { flow_token: "tok-1", flow_cta: "Book now", flow_id: "1" } },
      },
    });
    const flowId = r.body.messages[0].id;
    const chat = (await t.api("GET", `/customers/${c.id}/messages`)).body;
    expect(chat.find((m: Loose) => m.id === flowId).choices).toEqual([
      { kind: "nfm_reply", id: "tok-1", title: "Book now" },
    ]);
    t.receiver.received.length = 0;
    await t.api("POST", `/customers/${c.id}/send`, {
      type: "nfm_reply",
      flowToken: "tok-1",
      response: { party_size: "2" },
      contextId: flowId,
    });
    await t.idle();
    // The flow message's own `sent` status may land after the clear above: pick the inbound message.
    const msg = valuesOf(t.receiver.received, "messages").find((v: Loose) => v.messages)!.messages[0];
    expect(msg.context).toEqual({ from: NUMBERS[0]!.displayNumber, id: flowId });
    expect(msg.interactive).toEqual({
      type: "nfm_reply",
      nfm_reply: { response_json: '{"flow_token":"tok-1","party_size":"2"}', body: "Sent", name: "flow" },
    });
    expect(JSON.parse(msg.interactive.nfm_reply.response_json)).toEqual({
      flow_token: "tok-1",
      party_size: "2",
    });
    expect((await t.api("POST", "/owner/send", { customerId: c.id, type: "nfm_reply" })).status).toBe(400);
  });
});
