import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CustomerIdentity, DomainEvent } from "./events";
import { normalizeWebhook } from "./normalize";
import { normalizeLanguage } from "./normalize-account";

const FIXTURES = path.join(import.meta.dirname, "__fixtures__");

const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));

type Item = Record<string, unknown>;
type Body = {
  object?: unknown;
  entry: { id: unknown; time?: unknown; changes: { field: string; value: Item }[] }[];
};

/** A fixture as a mutable copy. */
const load = (name: string): Body => structuredClone(fixture(name)) as Body;
const valueOf = (body: Body): Item => body.entry[0]!.changes[0]!.value;
const itemsOf = (body: Body, key: string): Item[] => valueOf(body)[key] as Item[];

function ofKind<K extends DomainEvent["kind"]>(
  events: DomainEvent[],
  kind: K,
): Extract<DomainEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<DomainEvent, { kind: K }> => e.kind === kind);
}

const WABA = "102290129340398";
const PNID = "106540352242922";
const T = new Date(1767225600 * 1000);
const routed = { wabaId: WABA, phoneNumberId: PNID };
const w = (n: string) => `wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQUY${n}AAAAAAAA`;
const KERRY = { phone: "16315551181", bsuid: "US.13491208655302741918", profileName: "Kerry Fisher" };
const NOOR = { bsuid: "AE.80716241579931542312", username: "noor.designs", profileName: "Noor" };

const received = (fields: Item) => ({
  kind: "message.received",
  ...routed,
  wamid: w("0001"),
  customer: KERRY,
  timestamp: T,
  replyToWamid: null,
  forwarded: false,
  referral: null,
  errors: [],
  origin: "live",
  ...fields,
});
const echo = (fields: Item) => ({
  kind: "echo.received",
  ...routed,
  customer: KERRY,
  timestamp: T,
  replyToWamid: null,
  errors: [],
  origin: "live",
  ...fields,
});
const account = (fields: Item) => ({
  kind: "account.updated",
  wabaId: WABA,
  phoneNumber: "15550783881",
  reason: null,
  initiatedBy: null,
  timestamp: T,
  ...fields,
});
const template = (fields: Item) => ({
  kind: "template.updated",
  wabaId: WABA,
  templateId: "1689556908129832",
  name: "order_ready_pickup",
  language: "en_US",
  timestamp: T,
  ...fields,
});
const pmpService = { billable: false, model: "PMP", type: "free_customer_service", category: "service" };

/** What each fixture must produce (partial match, same number of events). A new fixture needs a row. */
const EXPECTED: Record<string, Item[]> = {
  "account-update-offboarded": [account({ event: "ACCOUNT_OFFBOARDED" })],
  "account-update-partner-removed-by-user": [
    account({ event: "PARTNER_REMOVED", reason: "ACCOUNT_DISCONNECTED", initiatedBy: "USER" }),
  ],
  "account-update-partner-removed": [
    account({
      event: "PARTNER_REMOVED",
      reason: "PRIMARY_INACTIVITY",
      initiatedBy: "SYSTEM",
      raw: { disconnection_info: { reason: "PRIMARY_INACTIVITY" } },
    }),
  ],
  "account-update-reconnected": [account({ event: "ACCOUNT_RECONNECTED" })],
  "batch-mixed": [
    received({ wamid: w("0003"), type: "text", text: "first" }),
    {
      kind: "status.updated",
      ...routed,
      wamid: w("0504"),
      status: "delivered",
      recipient: KERRY,
      pricing: pmpService,
    },
    echo({ wamid: w("0606"), customer: NOOR, type: "text", text: "ok" }),
  ],
  "echo-edit": [
    {
      kind: "message.edited",
      ...routed,
      wamid: w("0602"),
      originalWamid: w("0600"),
      by: "business_app",
      customer: KERRY,
      timestamp: T,
      next: { type: "text", text: "Sure, I'll put it aside until Friday." },
    },
  ],
  "echo-errors-only": [
    echo({
      wamid: w("0604"),
      type: "unavailable",
      text: null,
      content: null,
      errors: [
        {
          code: 131000,
          title: "Something went wrong",
          message: "Something went wrong",
          details: "Message content could not be mirrored from the WhatsApp Business app.",
        },
      ],
    }),
  ],
  "echo-image": [
    echo({ wamid: w("0601"), type: "image", text: "Here it is", content: { id: "1003383421387262" } }),
  ],
  "echo-revoke": [
    {
      kind: "message.revoked",
      ...routed,
      wamid: w("0603"),
      originalWamid: w("0600"),
      by: "business_app",
      customer: NOOR,
      timestamp: T,
    },
  ],
  "echo-text": [echo({ wamid: w("0600"), type: "text", text: "Sure, I'll put it aside for you." })],
  "history-chunk-final": [
    { kind: "history.chunk", ...routed, phase: 2, chunkOrder: 5, progress: 100, threads: [] },
  ],
  "history-chunk": [
    {
      kind: "history.chunk",
      ...routed,
      phase: 1,
      chunkOrder: 2,
      progress: 55,
      threads: [
        {
          customer: { phone: "16315551181", bsuid: "US.13491208655302741918" },
          messages: [
            {
              wamid: w("0700"),
              direction: "inbound",
              type: "text",
              text: "Do you ship to Leeds?",
              status: "read",
              timestamp: new Date(1761955200 * 1000),
              replyToWamid: null,
            },
            { wamid: w("0701"), direction: "outbound", type: "text", text: "Yes, 2-3 days.", status: "read" },
            {
              wamid: w("0702"),
              direction: "outbound",
              type: "media_placeholder",
              text: null,
              content: null,
              status: "delivered",
            },
          ],
        },
        {
          customer: { bsuid: "AE.80716241579931542312", username: "noor.designs" },
          messages: [{ wamid: w("0703"), direction: "inbound", type: "media_placeholder", status: "read" }],
        },
      ],
    },
  ],
  "history-declined": [
    {
      kind: "history.declined",
      ...routed,
      error: {
        code: 2593109,
        title: "History sync is turned off by the business on the WhatsApp Business app",
        details: "The business declined to share chat history with this partner.",
      },
    },
  ],
  "history-media-inbound": [
    received({
      wamid: w("0704"),
      type: "image",
      content: { id: "1003383421387256" },
      timestamp: new Date(1767139200 * 1000),
      origin: "history",
    }),
  ],
  "history-media-outbound": [
    echo({
      wamid: w("0705"),
      type: "image",
      content: { id: "1003383421387263" },
      timestamp: new Date(1767139260 * 1000),
      origin: "history",
    }),
  ],
  "message-audio": [
    received({ type: "audio", text: null, content: { id: "1003383421387258", voice: false } }),
  ],
  "message-button": [
    received({
      type: "button",
      text: "Stop promotions",
      content: { payload: "STOP_PROMOS" },
      replyToWamid: w("0900"),
    }),
  ],
  "message-contacts-contact-request": [
    received({ type: "contacts", text: null, content: [{ origin: "contact_request" }] }),
  ],
  "message-contacts": [
    received({
      type: "contacts",
      content: [{ origin: "other", vcard: expect.stringContaining("BEGIN:VCARD") }],
    }),
  ],
  "message-document": [
    received({ type: "document", text: "Invoice", content: { filename: "invoice-2041.pdf" } }),
  ],
  "message-edit": [
    {
      kind: "message.edited",
      ...routed,
      wamid: w("0001"),
      originalWamid: w("0002"),
      by: "customer",
      customer: KERRY,
      timestamp: T,
      next: { type: "text", text: "Actually, size M please", content: { body: "Actually, size M please" } },
    },
  ],
  "message-image": [received({ type: "image", text: "This one", content: { id: "1003383421387256" } })],
  "message-interactive-button-reply": [
    received({ type: "interactive", text: "Yes, confirm", replyToWamid: w("0900") }),
  ],
  "message-interactive-list-reply": [
    received({ type: "interactive", text: "Tue 10:00", replyToWamid: w("0900") }),
  ],
  "message-interactive-nfm-reply": [
    received({ type: "interactive", text: null, content: { type: "nfm_reply" }, replyToWamid: w("0900") }),
  ],
  "message-location": [
    received({ type: "location", text: null, content: { latitude: 51.5072, longitude: -0.1276 } }),
  ],
  "message-reaction": [
    {
      kind: "reaction.received",
      ...routed,
      wamid: w("0001"),
      targetWamid: w("0900"),
      emoji: "❤️",
      by: "customer",
      customer: KERRY,
      timestamp: T,
    },
  ],
  "message-referral": [
    received({
      type: "text",
      text: "Can I get more info about this?",
      referral: { source_type: "ad", ctwa_clid: expect.stringMatching(/^ARAk/) },
    }),
  ],
  "message-revoke": [
    {
      kind: "message.revoked",
      ...routed,
      wamid: w("0001"),
      originalWamid: w("0002"),
      by: "customer",
      customer: KERRY,
      timestamp: T,
    },
  ],
  "message-sticker": [received({ type: "sticker", text: null, content: { animated: false } })],
  "message-text-forwarded": [
    received({ type: "text", text: "Look at this", forwarded: true, replyToWamid: null }),
  ],
  "message-text-parent-bsuid": [
    received({
      text: "Grüße aus Köln",
      customer: {
        phone: "4915112345678",
        bsuid: "DE.55012873640219875512",
        parentBsuid: "DE.ENT.11815799212886844830",
        profileName: "Lena Müller",
      },
    }),
  ],
  "message-text-reply": [
    received({ text: "Yes, the second one", replyToWamid: w("0900"), forwarded: false }),
  ],
  "message-text-username-no-phone": [received({ text: "مرحبا، هل الطلب جاهز؟", customer: NOOR })],
  "message-text": [received({ type: "text", text: "Hi! Is the blue jacket still in stock? 🙂" })],
  "message-unsupported-131060": [
    received({
      type: "unsupported",
      text: null,
      errors: [{ code: 131060, details: expect.stringContaining("app") }],
    }),
  ],
  "message-unsupported": [
    received({
      type: "unsupported",
      text: null,
      content: { type: "poll_creation" },
      errors: [
        { code: 131051, title: "Message type unknown", details: "Message type is currently not supported." },
      ],
    }),
  ],
  "message-video": [received({ type: "video", text: null, content: { id: "1003383421387257" } })],
  "message-voice": [received({ type: "audio", content: { voice: true } })],
  "state-sync-add": [
    {
      kind: "contact.synced",
      ...routed,
      action: "add",
      timestamp: T,
      contact: {
        fullName: "Kerry Fisher (VIP)",
        firstName: "Kerry",
        phone: "16315551181",
        bsuid: "US.13491208655302741918",
      },
    },
    {
      kind: "contact.synced",
      action: "add",
      contact: {
        fullName: "Lena Müller",
        phone: "4915112345678",
        parentBsuid: "DE.ENT.11815799212886844830",
      },
    },
  ],
  "state-sync-remove": [
    {
      kind: "contact.synced",
      ...routed,
      action: "remove",
      timestamp: T,
      contact: { phone: "16315551181", bsuid: "US.13491208655302741918" },
    },
  ],
  "status-delivered": [
    {
      kind: "status.updated",
      ...routed,
      wamid: w("0501"),
      status: "delivered",
      timestamp: T,
      recipient: NOOR,
      errors: [],
      pricing: pmpService,
      bizOpaqueCallbackData: null,
    },
  ],
  "status-failed": [
    {
      kind: "status.updated",
      wamid: w("0503"),
      status: "failed",
      recipient: { phone: "16315551181" },
      pricing: null,
      bizOpaqueCallbackData: "msg_01HZY",
      errors: [
        {
          code: 131047,
          title: "Re-engagement message",
          message: "Re-engagement message",
          details: expect.stringContaining("24 hours"),
          href: expect.stringContaining("error-codes"),
        },
      ],
    },
  ],
  "status-read": [
    {
      kind: "status.updated",
      wamid: w("0502"),
      status: "read",
      recipient: KERRY,
      pricing: { billable: true, model: "PMP", type: "regular", category: "marketing" },
    },
  ],
  "status-sent": [
    {
      kind: "status.updated",
      wamid: w("0500"),
      status: "sent",
      recipient: KERRY,
      pricing: pmpService,
      bizOpaqueCallbackData: "msg_01HZX",
    },
  ],
  "system-user-changed-number": [
    {
      kind: "identity.changed",
      ...routed,
      key: w("0800"),
      reason: "user_changed_number",
      previous: { phone: "16315551181", bsuid: "US.13491208655302741918" },
      current: { phone: "16315559999", bsuid: "US.77730118822644319901" },
      timestamp: T,
      body: "User 16315551181 changed to 16315559999",
    },
  ],
  "system-user-changed-user-id": [
    {
      kind: "identity.changed",
      ...routed,
      key: w("0801"),
      reason: "user_changed_user_id",
      previous: { bsuid: "AE.80716241579931542312" },
      current: { bsuid: "AE.90011223344556677889" },
      body: "User changed their WhatsApp account",
    },
  ],
  "template-category-update": [
    template({ change: { type: "category", previous: "UTILITY", next: "MARKETING", correct: null } }),
  ],
  "template-quality-update": [template({ change: { type: "quality", previous: "GREEN", next: "YELLOW" } })],
  "template-status-approved": [
    template({ change: { type: "status", event: "APPROVED", reason: null, category: "UTILITY" } }),
  ],
  "template-status-rejected": [
    template({
      templateId: "1689556908129833",
      name: "spring_promo",
      change: { type: "status", event: "REJECTED", reason: "INVALID_FORMAT", category: "MARKETING" },
    }),
  ],
  "user-id-update": [
    {
      kind: "identity.changed",
      ...routed,
      key: "user_id_update:US.13491208655302741918:US.77730118822644319901:1767225600",
      reason: "user_id_update",
      previous: { bsuid: "US.13491208655302741918" },
      current: { bsuid: "US.77730118822644319901", phone: "16315559999" },
      timestamp: T,
      body: "User changed phone number",
    },
  ],
  "user-preferences-resume": [
    {
      kind: "preference.changed",
      ...routed,
      customer: NOOR,
      category: "marketing_messages",
      value: "resume",
      timestamp: T,
    },
  ],
  "user-preferences-stop": [
    { kind: "preference.changed", ...routed, customer: KERRY, category: "marketing_messages", value: "stop" },
  ],
};

const fixtureNames = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();

/** Identities keep only what Meta said: no undefined or empty values, phones digits only. */
function expectCompact(identity: CustomerIdentity) {
  for (const [key, value] of Object.entries(identity)) {
    expect(value, key).toBeTruthy();
    if (key === "phone") expect(value).toMatch(/^\d+$/);
  }
}

function identitiesOf(event: DomainEvent): CustomerIdentity[] {
  switch (event.kind) {
    case "status.updated":
      return [event.recipient];
    case "contact.synced":
      return [event.contact];
    case "identity.changed":
      return [event.previous, event.current];
    case "history.chunk":
      return event.threads.map((t) => t.customer);
    case "message.received":
    case "echo.received":
    case "message.edited":
    case "message.revoked":
    case "reaction.received":
    case "preference.changed":
      return [event.customer];
    default:
      return [];
  }
}

describe("normalizeWebhook over every fixture", () => {
  it("has an expectation for every fixture file, and a file for every expectation", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames);
  });

  it.each(fixtureNames)("%s → the expected events, zero failures", (name) => {
    const { events, failures } = normalizeWebhook(fixture(name));
    expect(failures).toEqual([]);
    expect(events).toMatchObject(EXPECTED[name] ?? ["no expectation written for this fixture"]);
    for (const event of events) {
      expect(event.kind).not.toBe("unhandled");
      if ("timestamp" in event) expect(Number.isNaN(event.timestamp.getTime())).toBe(false);
      for (const identity of identitiesOf(event)) expectCompact(identity);
    }
  });

  it("is deterministic: the same body twice gives the same result", () => {
    for (const name of fixtureNames)
      expect(normalizeWebhook(fixture(name))).toEqual(normalizeWebhook(fixture(name)));
  });
});

describe("normalizeWebhook", () => {
  it("turns an inbound text message into a message.received event with Meta's timestamp", () => {
    const body = fixture("message-text") as {
      entry: {
        id: string;
        changes: { value: { messages: { id: string; timestamp: string; text: { body: string } }[] } }[];
      }[];
    };
    const message = body.entry[0]!.changes[0]!.value.messages[0]!;
    const { events, failures } = normalizeWebhook(body);
    expect(failures).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "message.received",
      wabaId: body.entry[0]!.id,
      wamid: message.id,
      type: "text",
      text: message.text.body,
      timestamp: new Date(Number(message.timestamp) * 1000),
    });
  });

  it("keeps the BSUID and username of a customer without a phone number", () => {
    const { events } = normalizeWebhook(fixture("message-text-username-no-phone"));
    const event = events[0];
    expect(event?.kind).toBe("message.received");
    if (event?.kind !== "message.received") return;
    expect(event.customer.phone).toBeUndefined();
    expect(event.customer.bsuid).toMatch(/^[A-Z]{2}\./);
    expect(event.customer.username).toBeTruthy();
  });

  it("keeps reply context and captions", () => {
    const reply = normalizeWebhook(fixture("message-text-reply")).events[0];
    expect(reply?.kind === "message.received" && reply.replyToWamid).toMatch(/^wamid\./);
    const image = normalizeWebhook(fixture("message-image")).events[0];
    expect(image).toMatchObject({ kind: "message.received", type: "image", text: "This one" });
  });
});

describe("malformed input never throws", () => {
  it.each([null, undefined, 42, "text", true, [], {}, { object: "x" }, { object: "x", entry: "nope" }])(
    "%j → one failure at $",
    (bad) => {
      const result = normalizeWebhook(bad);
      expect(result.events).toEqual([]);
      expect(result.failures).toEqual([{ path: "$", reason: expect.any(String) }]);
    },
  );

  it("fails a malformed entry or change alone, at its path", () => {
    expect(normalizeWebhook({ object: "x", entry: [{ id: 1 }] })).toEqual({
      events: [],
      failures: [{ path: "entry[0]", reason: expect.stringContaining("changes") }],
    });
    const body = load("message-text");
    body.entry.unshift({ id: WABA, changes: "nope" as never });
    body.entry[1]!.changes.unshift({ value: {} } as never, null as never);
    const { events, failures } = normalizeWebhook(body);
    expect(failures.map((f) => f.path)).toEqual(["entry[0]", "entry[1].changes[0]", "entry[1].changes[1]"]);
    expect(ofKind(events, "message.received")).toHaveLength(1);
  });

  it("fails a routed value without metadata, and a value of the wrong shape", () => {
    const noMetadata = load("status-sent");
    delete valueOf(noMetadata).metadata;
    expect(normalizeWebhook(noMetadata)).toEqual({
      events: [],
      failures: [{ path: "entry[0].changes[0].value.metadata", reason: expect.any(String) }],
    });
    const wrongShape = load("status-sent");
    valueOf(wrongShape).statuses = "sent";
    expect(normalizeWebhook(wrongShape).failures).toEqual([
      { path: "entry[0].changes[0].value", reason: expect.stringContaining("statuses") },
    ]);
    const accountWithoutEvent = load("account-update-offboarded");
    delete valueOf(accountWithoutEvent).event;
    expect(normalizeWebhook(accountWithoutEvent).failures).toEqual([
      { path: "entry[0].changes[0].value", reason: expect.stringContaining("event") },
    ]);
  });
});

describe("one bad item fails alone", () => {
  it("a batch of 100 statuses with one bad item → 99 events + 1 failure", () => {
    const body = load("status-sent");
    const [good] = itemsOf(body, "statuses");
    const statuses: Item[] = Array.from({ length: 100 }, (_, i) => ({ ...good, id: `wamid.batch${i}` }));
    statuses[37] = { ...good, id: "wamid.batch37", status: 42 };
    valueOf(body).statuses = statuses;
    const { events, failures } = normalizeWebhook(body);
    expect(ofKind(events, "status.updated")).toHaveLength(99);
    expect(events).toHaveLength(99);
    expect(failures).toEqual([
      { path: "entry[0].changes[0].value.statuses[37]", reason: expect.any(String) },
    ]);
    expect(ofKind(events, "status.updated").map((e) => e.wamid)).not.toContain("wamid.batch37");
  });

  it("lets one bad message fail alone among its siblings", () => {
    const body = load("message-text");
    const messages = itemsOf(body, "messages");
    const good = messages[0]!;
    messages.push(
      { ...good, id: undefined },
      { ...good, id: "wamid.second", timestamp: "not-a-number" },
      { ...good, id: "wamid.third" },
    );
    const { events, failures } = normalizeWebhook(body);
    expect(events.map((e) => e.kind === "message.received" && e.wamid)).toEqual([good.id, "wamid.third"]);
    expect(failures.map((f) => f.path)).toEqual([
      "entry[0].changes[0].value.messages[1]",
      "entry[0].changes[0].value.messages[2]",
    ]);
  });

  it.each([
    ["echo-text", "message_echoes", "echo.received"],
    ["state-sync-add", "state_sync", "contact.synced"],
    ["user-preferences-stop", "user_preferences", "preference.changed"],
    ["user-id-update", "user_id_update", "identity.changed"],
  ] as const)("%s: a bad %s item fails alone", (name, key, kind) => {
    const body = load(name);
    const list = itemsOf(body, key);
    list.push("garbage" as never, structuredClone(list[0]!));
    const { events, failures } = normalizeWebhook(body);
    const before = EXPECTED[name]!.length;
    expect(ofKind(events, kind)).toHaveLength(before + 1);
    expect(failures).toEqual([
      { path: `entry[0].changes[0].value.${key}[${before}]`, reason: expect.any(String) },
    ]);
  });

  it("a bad history thread or thread message fails alone; the chunk keeps the rest", () => {
    const body = load("history-chunk");
    const chunk = itemsOf(body, "history")[0] as { threads: { messages: Item[] }[] };
    chunk.threads[0]!.messages[1]!.timestamp = "yesterday";
    chunk.threads.push({ messages: [] }, 7 as never);
    const { events, failures } = normalizeWebhook(body);
    const [event] = ofKind(events, "history.chunk");
    expect(event?.threads.map((t) => t.messages.length)).toEqual([2, 1]);
    expect(failures.map((f) => f.path)).toEqual([
      "entry[0].changes[0].value.history[0].threads[0].messages[1]",
      "entry[0].changes[0].value.history[0].threads[2]",
      "entry[0].changes[0].value.history[0].threads[3]",
    ]);
  });

  it("a message without any customer identity fails alone", () => {
    const body = load("message-text");
    const messages = itemsOf(body, "messages");
    delete valueOf(body).contacts;
    messages.push({ ...messages[0], id: "wamid.anonymous", from: undefined, from_user_id: undefined });
    const { events, failures } = normalizeWebhook(body);
    expect(events).toHaveLength(1);
    expect(failures).toEqual([
      { path: "entry[0].changes[0].value.messages[1]", reason: "message has neither from nor from_user_id" },
    ]);
  });
});

describe("tolerates Meta's type drift", () => {
  it("accepts numbers where strings are documented", () => {
    const message = load("message-text");
    message.entry[0]!.id = 102290129340398;
    (valueOf(message).metadata as Item).phone_number_id = 106540352242922;
    itemsOf(message, "messages")[0]!.timestamp = 1767225600;
    itemsOf(message, "messages")[0]!.from = 16315551181;
    expect(normalizeWebhook(message)).toEqual({
      events: [expect.objectContaining({ ...routed, timestamp: T })],
      failures: [],
    });

    const status = load("status-failed");
    const item = itemsOf(status, "statuses")[0]!;
    item.timestamp = 1767225600;
    (item.errors as Item[])[0]!.code = "131047";
    expect(normalizeWebhook(status).events).toMatchObject([{ timestamp: T, errors: [{ code: 131047 }] }]);
  });

  it("accepts strings where numbers are documented", () => {
    const tpl = load("template-status-approved");
    valueOf(tpl).message_template_id = "1689556908129832";
    tpl.entry[0]!.time = "1767225600";
    expect(normalizeWebhook(tpl).events).toMatchObject([{ templateId: "1689556908129832", timestamp: T }]);

    const prefs = load("user-preferences-stop");
    itemsOf(prefs, "user_preferences")[0]!.timestamp = "1767225600";
    expect(normalizeWebhook(prefs).events).toMatchObject([{ timestamp: T }]);

    const history = load("history-chunk-final");
    itemsOf(history, "history")[0]!.metadata = { phase: "2", chunk_order: "5", progress: "100" };
    expect(normalizeWebhook(history).events).toMatchObject([{ phase: 2, chunkOrder: 5, progress: 100 }]);

    const pricing = load("status-read");
    (itemsOf(pricing, "statuses")[0]!.pricing as Item).billable = "true";
    expect(normalizeWebhook(pricing).events).toMatchObject([{ pricing: { billable: true } }]);
  });

  it("normalises phones to digits", () => {
    const body = load("message-text");
    itemsOf(body, "messages")[0]!.from = "+1 631 555 1181";
    (valueOf(body).contacts as Item[])[0]!.wa_id = "+16315551181";
    const [event] = ofKind(normalizeWebhook(body).events, "message.received");
    expect(event?.customer).toEqual(KERRY);
  });

  it("rejects what cannot be coerced: a numeric wamid, a fractional or negative timestamp", () => {
    for (const patch of [{ id: 12345 }, { timestamp: "1767225600.5" }, { timestamp: -1 }]) {
      const body = load("message-text");
      Object.assign(itemsOf(body, "messages")[0]!, patch);
      const result = normalizeWebhook(body);
      expect(result.events).toEqual([]);
      expect(result.failures.map((f) => f.path)).toEqual(["entry[0].changes[0].value.messages[0]"]);
    }
  });

  it("uses entry.time for payloads without a timestamp, else the epoch", () => {
    const body = load("account-update-reconnected");
    delete body.entry[0]!.time;
    expect(normalizeWebhook(body).events).toMatchObject([{ timestamp: new Date(0) }]);
  });
});

describe("unknown data is kept, never dropped", () => {
  it("an unknown field → unhandled with its raw value", () => {
    const value = { some: ["thing"], metadata: { phone_number_id: PNID } };
    const result = normalizeWebhook({
      object: "whatsapp_business_account",
      entry: [{ id: WABA, changes: [{ field: "calls", value }] }],
    });
    expect(result).toEqual({
      events: [{ kind: "unhandled", field: "calls", reason: expect.stringContaining("calls"), raw: value }],
      failures: [],
    });
  });

  it("an unknown message type → message.received with its type and the raw item as content", () => {
    const body = load("message-text");
    const item: Item = { ...itemsOf(body, "messages")[0], type: "poll_vote", poll_vote: { option: 2 } };
    delete item.text;
    valueOf(body).messages = [item];
    const { events, failures } = normalizeWebhook(body);
    expect(failures).toEqual([]);
    expect(events).toEqual([received({ type: "poll_vote", text: null, content: item, customer: KERRY })]);
  });

  it("an unknown echo type → echo.received with the raw item; an echo reaction → reaction.received", () => {
    const body = load("echo-text");
    const [base] = itemsOf(body, "message_echoes");
    const unknown = {
      ...base,
      id: "wamid.e1",
      type: "poll_creation",
      poll_creation: { name: "?" },
      text: undefined,
    };
    const reaction = {
      ...base,
      id: "wamid.e2",
      type: "reaction",
      reaction: { message_id: "wamid.t", emoji: "" },
    };
    valueOf(body).message_echoes = [unknown, reaction];
    const { events, failures } = normalizeWebhook(body);
    expect(failures).toEqual([]);
    expect(events).toMatchObject([
      { kind: "echo.received", type: "poll_creation", content: unknown },
      { kind: "reaction.received", by: "business_app", targetWamid: "wamid.t", emoji: "", customer: KERRY },
    ]);
  });

  it("`errors` / `unknown` types and old-shape errors are parsed like unsupported", () => {
    const body = load("message-text");
    const [base] = itemsOf(body, "messages");
    valueOf(body).messages = [
      {
        ...base,
        id: "wamid.a",
        type: "unknown",
        text: undefined,
        errors: [{ code: 131051, title: "Unknown", details: "old shape" }],
      },
      {
        ...base,
        id: "wamid.b",
        type: undefined,
        text: undefined,
        errors: [{ code: "131026", message: "Undeliverable" }],
      },
    ];
    const { events, failures } = normalizeWebhook(body);
    expect(failures).toEqual([]);
    expect(events).toEqual([
      received({
        wamid: "wamid.a",
        type: "unknown",
        text: null,
        content: null,
        errors: [{ code: 131051, title: "Unknown", details: "old shape" }],
      }),
      received({
        wamid: "wamid.b",
        type: "unknown",
        text: null,
        content: null,
        errors: [{ code: 131026, title: "Undeliverable", message: "Undeliverable" }],
      }),
    ]);
  });

  it("an unknown status, state_sync type or value-level errors → unhandled", () => {
    const status = load("status-sent");
    itemsOf(status, "statuses")[0]!.status = "deleted";
    expect(normalizeWebhook(status).events).toMatchObject([{ kind: "unhandled", field: "messages" }]);

    const sync = load("state-sync-remove");
    itemsOf(sync, "state_sync")[0]!.type = "label";
    expect(normalizeWebhook(sync).events).toMatchObject([{ kind: "unhandled", field: "smb_app_state_sync" }]);

    const errors = load("message-text");
    delete valueOf(errors).messages;
    valueOf(errors).errors = [{ code: 131000, title: "Something went wrong" }];
    expect(normalizeWebhook(errors)).toMatchObject({
      events: [{ kind: "unhandled", field: "messages" }],
      failures: [],
    });
  });

  it("another system message is kept as a message of type system", () => {
    const body = load("message-text");
    const [base] = itemsOf(body, "messages");
    valueOf(body).messages = [
      {
        ...base,
        type: "system",
        text: undefined,
        system: { type: "customer_identity_changed", body: "Safety code changed" },
      },
    ];
    expect(normalizeWebhook(body).events).toEqual([
      received({
        type: "system",
        text: "Safety code changed",
        content: expect.objectContaining({ body: "Safety code changed" }),
      }),
    ]);
  });
});

describe("mapping details", () => {
  it("matches the message to its contacts[] entry by user_id, then wa_id, else the only entry", () => {
    const body = load("message-text");
    const [message] = itemsOf(body, "messages");
    valueOf(body).contacts = [
      { profile: { name: "Other" }, wa_id: "19999999999", user_id: "US.1" },
      { profile: { name: "By phone" }, wa_id: "16315551181" },
      { profile: { name: "By BSUID" }, user_id: "US.13491208655302741918" },
    ];
    valueOf(body).messages = [message, { ...message, id: "wamid.2", from_user_id: undefined }];
    const names = ofKind(normalizeWebhook(body).events, "message.received").map(
      (e) => e.customer.profileName,
    );
    expect(names).toEqual(["By BSUID", "By phone"]);

    const contradicting = load("message-text");
    Object.assign((valueOf(contradicting).contacts as Item[])[0]!, {
      user_id: "US.other",
      wa_id: "19999999999",
    });
    const [event] = ofKind(normalizeWebhook(contradicting).events, "message.received");
    expect(event?.customer.profileName).toBeUndefined();
  });

  it("flags frequently forwarded messages and removed reactions", () => {
    const forwarded = load("message-text-forwarded");
    itemsOf(forwarded, "messages")[0]!.context = { frequently_forwarded: true };
    expect(normalizeWebhook(forwarded).events).toMatchObject([{ forwarded: true }]);

    const removed = load("message-reaction");
    delete (itemsOf(removed, "messages")[0]!.reaction as Item).emoji;
    expect(normalizeWebhook(removed).events).toMatchObject([{ kind: "reaction.received", emoji: "" }]);
  });

  it("user_changed_number without previous_user_id takes the sender's from_user_id", () => {
    const body = load("system-user-changed-number");
    const item = itemsOf(body, "messages")[0]!;
    item.from_user_id = "US.old";
    const system = item.system as Item;
    delete system.previous_user_id;
    system.parent_user_id = "US.ENT.new";
    expect(normalizeWebhook(body).events).toMatchObject([
      {
        kind: "identity.changed",
        previous: { phone: "16315551181", bsuid: "US.old" },
        current: { phone: "16315559999", bsuid: "US.77730118822644319901", parentBsuid: "US.ENT.new" },
      },
    ]);
  });

  it("a history message from the business number is outbound even without `to`", () => {
    const body = load("history-chunk");
    const chunk = itemsOf(body, "history")[0] as { threads: { messages: Item[] }[] };
    delete chunk.threads[0]!.messages[1]!.to;
    const [event] = ofKind(normalizeWebhook(body).events, "history.chunk");
    expect(event?.threads[0]?.messages.map((m) => m.direction)).toEqual(["inbound", "outbound", "outbound"]);
  });
});

describe("declined history (2593109)", () => {
  const declinedValue = () => valueOf(load("history-declined"));
  const declined = { kind: "history.declined", error: { code: 2593109 } };

  it("inside the envelope", () => {
    expect(normalizeWebhook(fixture("history-declined"))).toMatchObject({
      events: [{ ...declined, ...routed }],
      failures: [],
    });
  });

  it("as a bare value, with or without metadata, and as a bare change", () => {
    expect(normalizeWebhook(declinedValue())).toMatchObject({
      events: [{ ...declined, wabaId: "", phoneNumberId: PNID }],
      failures: [],
    });
    const { history } = declinedValue();
    expect(normalizeWebhook({ history })).toMatchObject({
      events: [{ ...declined, wabaId: "", phoneNumberId: "" }],
      failures: [],
    });
    expect(normalizeWebhook({ field: "history", value: declinedValue() })).toMatchObject({
      events: [{ ...declined, wabaId: "", phoneNumberId: PNID }],
      failures: [],
    });
  });

  it("other history errors are kept as unhandled", () => {
    const body = load("history-declined");
    (itemsOf(body, "history")[0]!.errors as Item[])[0]!.code = 131000;
    expect(normalizeWebhook(body)).toMatchObject({
      events: [{ kind: "unhandled", field: "history" }],
      failures: [],
    });
  });
});

describe("template language", () => {
  it.each([
    ["en_US", "en_US"],
    ["en-US", "en_US"],
    ["pt-br", "pt_BR"],
    ["es_419", "es_419"],
    ["en", "en"],
    [" de ", "de"],
    ["", null],
    [undefined, null],
  ])("%j → %j", (raw, expected) => {
    expect(normalizeLanguage(raw)).toBe(expected);
  });

  it("is normalised in template webhooks", () => {
    for (const name of ["template-status-approved", "template-category-update", "template-quality-update"]) {
      const body = load(name);
      valueOf(body).message_template_language = "en-US";
      expect(normalizeWebhook(body).events).toMatchObject([{ kind: "template.updated", language: "en_US" }]);
    }
  });
});
