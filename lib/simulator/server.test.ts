import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NUMBERS, startPair, valuesOf, type Loose } from "./test-helpers";

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
    const statuses = valuesOf(t.receiver.received, "messages").flatMap((v) => v.statuses ?? []);
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
    const fire = (pnid: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, () => t.graph("POST", `/${pnid}/messages`, text("447700900123"))),
      );
    const coex = await fire(COEX, 25);
    expect(coex.filter((r) => r.status === 200).length).toBe(20);
    const limited = coex.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe(130429);
    await t.api("POST", `/customers/c1/send`, { type: "text", text: "x", numberId: STD });
    const std = await fire(STD, 85);
    expect(std.filter((r) => r.status === 200).length).toBe(80);
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
