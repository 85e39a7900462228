// One case per payload kind: the builder call with fixed ids/timestamps that must reproduce
// lib/whatsapp/__fixtures__/<kind>.json exactly.
import * as P from "./payloads";
import type { Content, Envelope, MediaRef, Person } from "./payloads";

export const BIZ: P.Biz = {
  wabaId: "102290129340398",
  phoneNumberId: "106540352242922",
  displayNumber: "15550783881",
};
const BIZ_NUMBER = BIZ.displayNumber;
const TS = "1767225600"; // 2026-01-01T00:00:00Z
const TIME = 1767225600;

/** Phone + BSUID, no username: the common case. */
export const KERRY: Person = { name: "Kerry Fisher", phone: "16315551181", bsuid: "US.13491208655302741918" };
/** Username + BSUID, phone hidden (§4.2). */
export const NOOR: Person = { name: "Noor", username: "noor.designs", bsuid: "AE.80716241579931542312" };
/** Enrolled managed business: parent BSUID present. */
export const LENA: Person = {
  name: "Lena Müller",
  phone: "4915112345678",
  bsuid: "DE.55012873640219875512",
  parentBsuid: "DE.ENT.11815799212886844830",
};

const W = (n: number) => `wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQUY${String(n).padStart(4, "0")}AAAAAAAA`;
const IMG: MediaRef = {
  id: "1003383421387256",
  mimeType: "image/jpeg",
  sha256: "a+fYd8CPZRsJ2YYKVp8J0FwXymZyHwm7ZCxMTqGwe3o=",
};
const inCtx = { from: BIZ_NUMBER, id: W(900) };

function inbound(
  kind: string,
  content: Content,
  extra: Partial<P.InboundInput> = {},
  person: Person = KERRY,
) {
  return [kind, () => P.inboundMessage(BIZ, person, { id: W(1), timestamp: TS, content, ...extra })] as const;
}

export const FIXTURE_CASES: ReadonlyArray<readonly [string, () => Envelope]> = [
  // messages: inbound, one per type (§2)
  inbound("message-text", { type: "text", body: "Hi! Is the blue jacket still in stock? 🙂" }),
  inbound("message-text-username-no-phone", { type: "text", body: "مرحبا، هل الطلب جاهز؟" }, {}, NOOR),
  inbound("message-text-parent-bsuid", { type: "text", body: "Grüße aus Köln" }, {}, LENA),
  inbound("message-text-reply", { type: "text", body: "Yes, the second one" }, { context: inCtx }),
  inbound("message-text-forwarded", { type: "text", body: "Look at this" }, { context: { forwarded: true } }),
  inbound("message-image", {
    type: "image",
    caption: "This one",
    media: {
      ...IMG,
      url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1003383421387256&ext=1767225900&hash=ATsh",
    },
  }),
  inbound("message-video", {
    type: "video",
    media: {
      id: "1003383421387257",
      mimeType: "video/mp4",
      sha256: "qZ5pT3yq9H3aO8N3m8sQZqB6xL0qfHkS8gVY1ZxvL9M=",
    },
  }),
  inbound("message-audio", {
    type: "audio",
    voice: false,
    media: {
      id: "1003383421387258",
      mimeType: "audio/mpeg",
      sha256: "1O3fGmF3ZJqfG2kqzQfZt3bHq4nq8x3o2G3xJd7cY1c=",
    },
  }),
  inbound("message-voice", {
    type: "audio",
    voice: true,
    media: {
      id: "1003383421387259",
      mimeType: "audio/ogg; codecs=opus",
      sha256: "3kq8mQ0i9G7rj2q8b0m1aQ8V6zq3F2Lw0dP6R5uTq2E=",
    },
  }),
  inbound("message-document", {
    type: "document",
    filename: "invoice-2041.pdf",
    caption: "Invoice",
    media: {
      id: "1003383421387260",
      mimeType: "application/pdf",
      sha256: "v4oTQyX4q1o9m0aZ0KXJ1kq1S8Q8H5y4mRj2nq1c9Lw=",
    },
  }),
  inbound("message-sticker", {
    type: "sticker",
    animated: false,
    media: {
      id: "1003383421387261",
      mimeType: "image/webp",
      sha256: "Zx0rR9gq0K8m4w3qP1B7mY3b9sD2kq4pLq5nT1vW8eA=",
    },
  }),
  inbound("message-location", {
    type: "location",
    latitude: 51.5072,
    longitude: -0.1276,
    name: "Tandem Store",
    address: "1 Example St, London",
  }),
  inbound("message-contacts", {
    type: "contacts",
    contacts: [
      {
        formattedName: "John Smith",
        firstName: "John",
        lastName: "Smith",
        phones: [{ phone: "+1 631-555-1182", waId: "16315551182", type: "CELL" }],
        origin: "other",
        vcard: "BEGIN:VCARD\nVERSION:3.0\nFN:John Smith\nTEL;type=CELL:+1 631-555-1182\nEND:VCARD",
      },
    ],
  }),
  inbound("message-contacts-contact-request", {
    type: "contacts",
    contacts: [
      {
        formattedName: "Kerry Fisher",
        firstName: "Kerry",
        phones: [{ phone: "+1 631-555-1181", waId: "16315551181" }],
        origin: "contact_request",
      },
    ],
  }),
  inbound(
    "message-interactive-button-reply",
    { type: "button_reply", id: "confirm_yes", title: "Yes, confirm" },
    { context: inCtx },
  ),
  inbound(
    "message-interactive-list-reply",
    { type: "list_reply", id: "slot_2", title: "Tue 10:00", description: "Morning slot" },
    { context: inCtx },
  ),
  inbound(
    "message-interactive-nfm-reply",
    {
      type: "nfm_reply",
      responseJson: '{"flow_token":"booking-7f3a","date":"2026-01-06","time_slot":"10:00","party_size":"2"}',
      body: "Sent",
      name: "flow",
    },
    { context: inCtx },
  ),
  inbound(
    "message-button",
    { type: "button", payload: "STOP_PROMOS", text: "Stop promotions" },
    { context: inCtx },
  ),
  inbound("message-reaction", { type: "reaction", messageId: W(900), emoji: "❤️" }),
  inbound("message-edit", {
    type: "edit",
    originalMessageId: W(2),
    message: { type: "text", body: "Actually, size M please" },
  }),
  inbound("message-revoke", { type: "revoke", originalMessageId: W(2) }),
  inbound("message-unsupported", { type: "unsupported", code: 131051, unsupportedType: "poll_creation" }),
  inbound("message-unsupported-131060", { type: "unsupported", code: 131060 }),
  inbound(
    "message-referral",
    { type: "text", body: "Can I get more info about this?" },
    {
      referral: {
        sourceUrl: "https://fb.me/3cr4Wqqkv",
        sourceId: "120226305854810726",
        sourceType: "ad",
        headline: "Spring sale",
        body: "20% off jackets this week",
        mediaType: "image",
        imageUrl: "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg",
        ctwaClid: "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-ZABe",
        welcomeMessage: "Hi! How can we help with the spring sale?",
      },
    },
  ),

  // messages: statuses (§3)
  [
    "status-sent",
    () =>
      P.statusUpdate(BIZ, KERRY, {
        id: W(500),
        status: "sent",
        timestamp: TS,
        sentTo: "phone",
        bizOpaqueCallbackData: "msg_01HZX",
        pricing: P.pricingFor("service", true),
      }),
  ],
  [
    "status-delivered",
    () =>
      P.statusUpdate(BIZ, NOOR, {
        id: W(501),
        status: "delivered",
        timestamp: TS,
        sentTo: "bsuid",
        pricing: P.pricingFor("service", true),
      }),
  ],
  [
    "status-read",
    () =>
      P.statusUpdate(BIZ, KERRY, {
        id: W(502),
        status: "read",
        timestamp: TS,
        sentTo: "phone",
        pricing: P.pricingFor("marketing", false),
      }),
  ],
  [
    "status-failed",
    () =>
      P.statusUpdate(BIZ, KERRY, {
        id: W(503),
        status: "failed",
        timestamp: TS,
        sentTo: "phone",
        bizOpaqueCallbackData: "msg_01HZY",
        errors: [
          P.errorObject(
            131047,
            "Re-engagement message",
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
            true,
          ),
        ],
      }),
  ],

  // smb_message_echoes (§5.2)
  [
    "echo-text",
    () =>
      P.messageEcho(BIZ, KERRY, {
        id: W(600),
        timestamp: TS,
        content: { type: "text", body: "Sure, I'll put it aside for you." },
      }),
  ],
  [
    "echo-image",
    () =>
      P.messageEcho(BIZ, KERRY, {
        id: W(601),
        timestamp: TS,
        content: { type: "image", caption: "Here it is", media: { ...IMG, id: "1003383421387262" } },
      }),
  ],
  [
    "echo-edit",
    () =>
      P.messageEcho(BIZ, KERRY, {
        id: W(602),
        timestamp: TS,
        content: {
          type: "edit",
          originalMessageId: W(600),
          message: { type: "text", body: "Sure, I'll put it aside until Friday." },
        },
      }),
  ],
  [
    "echo-revoke",
    () =>
      P.messageEcho(BIZ, NOOR, {
        id: W(603),
        timestamp: TS,
        content: { type: "revoke", originalMessageId: W(600) },
      }),
  ],
  [
    "echo-errors-only",
    () => P.messageEcho(BIZ, KERRY, { id: W(604), timestamp: TS, errors: [P.ECHO_CONTENT_UNAVAILABLE] }),
  ],

  // history (§5.4)
  [
    "history-chunk",
    () =>
      P.historyChunk(BIZ, {
        phase: 1,
        chunkOrder: 2,
        progress: 55,
        threads: [
          {
            person: KERRY,
            messages: [
              {
                id: W(700),
                timestamp: "1761955200",
                direction: "inbound",
                content: { type: "text", body: "Do you ship to Leeds?" },
                status: "READ",
              },
              {
                id: W(701),
                timestamp: "1761955260",
                direction: "outbound",
                content: { type: "text", body: "Yes, 2-3 days." },
                status: "READ",
              },
              { id: W(702), timestamp: "1761955320", direction: "outbound", status: "DELIVERED" },
            ],
          },
          {
            person: NOOR,
            messages: [{ id: W(703), timestamp: "1761958800", direction: "inbound", status: "READ" }],
          },
        ],
      }),
  ],
  ["history-chunk-final", () => P.historyChunk(BIZ, { phase: 2, chunkOrder: 5, progress: 100, threads: [] })],
  [
    "history-media-inbound",
    () =>
      P.historyMedia(BIZ, KERRY, {
        id: W(704),
        timestamp: "1767139200",
        direction: "inbound",
        content: { type: "image", media: IMG },
      }),
  ],
  [
    "history-media-outbound",
    () =>
      P.historyMedia(BIZ, KERRY, {
        id: W(705),
        timestamp: "1767139260",
        direction: "outbound",
        content: { type: "image", media: { ...IMG, id: "1003383421387263" } },
      }),
  ],
  ["history-declined", () => P.historyDeclined(BIZ)],

  // smb_app_state_sync (§5.3)
  [
    "state-sync-add",
    () =>
      P.stateSync(BIZ, [
        {
          action: "add",
          timestamp: TS,
          contact: {
            fullName: "Kerry Fisher (VIP)",
            firstName: "Kerry",
            phone: "16315551181",
            bsuid: KERRY.bsuid,
          },
        },
        {
          action: "add",
          timestamp: TS,
          contact: {
            fullName: "Lena Müller",
            firstName: "Lena",
            phone: "4915112345678",
            bsuid: LENA.bsuid,
            parentBsuid: LENA.parentBsuid,
          },
        },
      ]),
  ],
  [
    "state-sync-remove",
    () =>
      P.stateSync(BIZ, [
        {
          action: "remove",
          timestamp: TS,
          contact: { fullName: "ignored", phone: "16315551181", bsuid: KERRY.bsuid },
        },
      ]),
  ],

  // identity changes (§4.5)
  [
    "system-user-changed-number",
    () =>
      P.userChangedNumber(BIZ, {
        id: W(800),
        timestamp: TS,
        oldPhone: "16315551181",
        newPhone: "16315559999",
        newBsuid: "US.77730118822644319901",
        previousBsuid: KERRY.bsuid,
      }),
  ],
  [
    "system-user-changed-user-id",
    () =>
      P.userChangedUserId(BIZ, {
        id: W(801),
        timestamp: TS,
        newBsuid: "AE.90011223344556677889",
        previousBsuid: NOOR.bsuid,
      }),
  ],
  [
    "user-id-update",
    () =>
      P.userIdUpdate(BIZ, {
        timestamp: TS,
        waId: "16315559999",
        previous: KERRY.bsuid,
        current: "US.77730118822644319901",
      }),
  ],

  // account_update (§5.5)
  [
    "account-update-partner-removed",
    () => P.accountUpdate(BIZ, { time: TIME, event: "PARTNER_REMOVED", reason: "PRIMARY_INACTIVITY" }),
  ],
  [
    "account-update-partner-removed-by-user",
    () => P.accountUpdate(BIZ, { time: TIME, event: "PARTNER_REMOVED", reason: "ACCOUNT_DISCONNECTED" }),
  ],
  ["account-update-offboarded", () => P.accountUpdate(BIZ, { time: TIME, event: "ACCOUNT_OFFBOARDED" })],
  ["account-update-reconnected", () => P.accountUpdate(BIZ, { time: TIME, event: "ACCOUNT_RECONNECTED" })],

  // templates (§10)
  [
    "template-status-approved",
    () =>
      P.templateStatusUpdate(BIZ.wabaId, {
        time: TIME,
        event: "APPROVED",
        templateId: 1689556908129832,
        name: "order_ready_pickup",
        language: "en_US",
        category: "UTILITY",
      }),
  ],
  [
    "template-status-rejected",
    () =>
      P.templateStatusUpdate(BIZ.wabaId, {
        time: TIME,
        event: "REJECTED",
        reason: "INVALID_FORMAT",
        templateId: 1689556908129833,
        name: "spring_promo",
        language: "en_US",
        category: "MARKETING",
      }),
  ],
  [
    "template-category-update",
    () =>
      P.templateCategoryUpdate(BIZ.wabaId, {
        time: TIME,
        templateId: 1689556908129832,
        name: "order_ready_pickup",
        language: "en_US",
        previousCategory: "UTILITY",
        newCategory: "MARKETING",
      }),
  ],

  [
    "template-quality-update",
    () =>
      P.templateQualityUpdate(BIZ.wabaId, {
        time: TIME,
        templateId: 1689556908129832,
        name: "order_ready_pickup",
        language: "en_US",
        previousScore: "GREEN",
        newScore: "YELLOW",
      }),
  ],

  // user_preferences (§4.6)
  ["user-preferences-stop", () => P.userPreferences(BIZ, KERRY, { timestamp: TIME, value: "stop" })],
  ["user-preferences-resume", () => P.userPreferences(BIZ, NOOR, { timestamp: TIME, value: "resume" })],

  // one POST carrying several changes (§1.3)
  [
    "batch-mixed",
    () =>
      P.batch(
        [
          P.inboundMessage(BIZ, KERRY, { id: W(3), timestamp: TS, content: { type: "text", body: "first" } }),
          P.statusUpdate(BIZ, KERRY, {
            id: W(504),
            status: "delivered",
            timestamp: TS,
            sentTo: "phone",
            pricing: P.pricingFor("service", true),
          }),
          P.messageEcho(BIZ, NOOR, { id: W(606), timestamp: TS, content: { type: "text", body: "ok" } }),
        ],
        "changes",
      ),
  ],
];
