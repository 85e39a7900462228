import { describe, expect, it } from "vitest";
import {
  buildSendBody,
  markReadBody,
  outboundMessageInput,
  previewText,
  type OutboundMessageInput,
  type ResolvedOutbound,
} from "./send-payload";

const MSG_ID = "5b8f2a6e-3c1d-4e9f-a0b7-2d4c6e8f1a3b";
const FILE_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
const TEMPLATE_ID = "7c6b5a49-3827-4165-9f8e-7d6c5b4a3928";
const WAMID = "wamid.HBgLMTU1NTAwMDExMTEVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";
const phone = { phone: "+1 (555) 000-1111", bsuid: "US.13491208655302741918" };
const common = { messaging_product: "whatsapp", recipient_type: "individual", to: "15550001111" };

/** The issue paths of a failed parse, as dotted strings. */
function errorPaths(input: unknown): string[] {
  const result = outboundMessageInput.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => issue.path.join("."));
}

describe("outboundMessageInput", () => {
  it.each<[string, OutboundMessageInput]>([
    ["text", { type: "text", text: "Hello", preview_url: true, reply_to: MSG_ID }],
    ["image by our id", { type: "image", media_id: FILE_ID, caption: "Receipt" }],
    ["image by link", { type: "image", link: "https://cdn.example.com/a.jpg" }],
    ["video", { type: "video", media_id: FILE_ID }],
    ["audio", { type: "audio", media_id: FILE_ID }],
    ["sticker", { type: "sticker", link: "https://cdn.example.com/s.webp" }],
    ["document", { type: "document", media_id: FILE_ID, filename: "invoice.pdf", caption: "Your invoice" }],
    [
      "template",
      {
        type: "template",
        template_id: TEMPLATE_ID,
        variables: ["Ana", "#4821"],
        header: { media_id: FILE_ID },
        buttons: [{ index: 1, text: "abc" }],
      },
    ],
    [
      "template with named variables",
      { type: "template", template_id: TEMPLATE_ID, variables: { first_name: "Ana" } },
    ],
    [
      "reply buttons",
      {
        type: "interactive",
        kind: "button",
        body: "Pick one",
        header: "Delivery",
        footer: "Tandem",
        buttons: [
          { id: "a", title: "Today" },
          { id: "b", title: "Tomorrow" },
          { id: "c", title: "Next week" },
        ],
      },
    ],
    [
      "list",
      {
        type: "interactive",
        kind: "list",
        body: "Choose a slot",
        list: {
          button: "Slots",
          sections: [
            { title: "Morning", rows: [{ id: "m9", title: "9:00", description: "Front desk" }] },
            { title: "Afternoon", rows: [{ id: "a2", title: "14:00" }] },
          ],
        },
      },
    ],
    [
      "cta",
      {
        type: "interactive",
        kind: "cta_url",
        body: "Track it",
        cta: { display_text: "Track", url: "https://x.example.com/t" },
      },
    ],
    ["reaction", { type: "reaction", message_id: MSG_ID, emoji: "👍" }],
    ["reaction removal", { type: "reaction", message_id: MSG_ID, emoji: "" }],
    ["reaction with a ZWJ sequence", { type: "reaction", message_id: MSG_ID, emoji: "👩🏽‍💻" }],
    ["reaction with a flag", { type: "reaction", message_id: MSG_ID, emoji: "🇵🇹" }],
    ["reaction with a keycap", { type: "reaction", message_id: MSG_ID, emoji: "1️⃣" }],
    [
      "location",
      { type: "location", latitude: 38.7223, longitude: -9.1393, name: "Shop", address: "Rua Augusta 1" },
    ],
  ])("accepts %s", (_name, input) => {
    expect(outboundMessageInput.parse(input)).toEqual(input);
  });

  it("drops unknown envelope keys instead of failing", () => {
    expect(outboundMessageInput.parse({ type: "text", text: "hi", client_ref: "x" })).toEqual({
      type: "text",
      text: "hi",
    });
  });

  it.each<[string, unknown, string[]]>([
    ["an unknown type", { type: "poll" }, ["type"]],
    ["empty text", { type: "text", text: "   " }, ["text"]],
    ["text over 4096", { type: "text", text: "x".repeat(4097) }, ["text"]],
    ["a bad reply_to", { type: "text", text: "hi", reply_to: "wamid.123" }, ["reply_to"]],
    ["media with neither id nor link", { type: "image" }, ["media_id"]],
    [
      "media with both id and link",
      { type: "image", media_id: FILE_ID, link: "https://a.example.com/x.jpg" },
      ["media_id"],
    ],
    ["a media id that isn't ours", { type: "video", media_id: "1234567890" }, ["media_id"]],
    ["an http link", { type: "image", link: "http://cdn.example.com/a.jpg" }, ["link"]],
    ["a link without a host", { type: "image", link: "https:foo" }, ["link"]],
    ["a caption on audio", { type: "audio", media_id: FILE_ID, caption: "hi" }, ["caption"]],
    ["a caption on a sticker", { type: "sticker", media_id: FILE_ID, caption: "hi" }, ["caption"]],
    ["a long caption", { type: "image", media_id: FILE_ID, caption: "x".repeat(1025) }, ["caption"]],
    ["a template id that isn't a uuid", { type: "template", template_id: "order_ready" }, ["template_id"]],
    [
      "non-string variables",
      { type: "template", template_id: TEMPLATE_ID, variables: [1, 2] },
      ["variables"],
    ],
    [
      "two header sources",
      { type: "template", template_id: TEMPLATE_ID, header: { media_id: FILE_ID, text: "x" } },
      ["header.text"],
    ],
    [
      "a button without a value",
      { type: "template", template_id: TEMPLATE_ID, buttons: [{ index: 0 }] },
      ["buttons.0.payload"],
    ],
    [
      "a button index out of range",
      { type: "template", template_id: TEMPLATE_ID, buttons: [{ index: 10, text: "x" }] },
      ["buttons.0.index"],
    ],
    ["a button message without buttons", { type: "interactive", kind: "button", body: "x" }, ["buttons"]],
    [
      "four reply buttons",
      {
        type: "interactive",
        kind: "button",
        body: "x",
        buttons: ["a", "b", "c", "d"].map((id) => ({ id, title: id })),
      },
      ["buttons"],
    ],
    [
      "a button title over 20",
      { type: "interactive", kind: "button", body: "x", buttons: [{ id: "a", title: "x".repeat(21) }] },
      ["buttons.0.title"],
    ],
    [
      "duplicate button ids",
      {
        type: "interactive",
        kind: "button",
        body: "x",
        buttons: [
          { id: "a", title: "One" },
          { id: "a", title: "Two" },
        ],
      },
      ["buttons.1.id"],
    ],
    [
      "a header over 60",
      {
        type: "interactive",
        kind: "button",
        body: "x",
        header: "h".repeat(61),
        buttons: [{ id: "a", title: "A" }],
      },
      ["header"],
    ],
    [
      "a body over 1024",
      { type: "interactive", kind: "button", body: "b".repeat(1025), buttons: [{ id: "a", title: "A" }] },
      ["body"],
    ],
    [
      "buttons on a list message",
      {
        type: "interactive",
        kind: "list",
        body: "x",
        buttons: [{ id: "a", title: "A" }],
        list: { button: "Open", sections: [{ rows: [{ id: "r", title: "R" }] }] },
      },
      ["buttons"],
    ],
    [
      "eleven list rows",
      {
        type: "interactive",
        kind: "list",
        body: "x",
        list: {
          button: "Open",
          sections: [
            { title: "A", rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
            { title: "B", rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
          ],
        },
      },
      ["list.sections"],
    ],
    [
      "a long row title and description",
      {
        type: "interactive",
        kind: "list",
        body: "x",
        list: {
          button: "Open",
          sections: [{ rows: [{ id: "r", title: "t".repeat(25), description: "d".repeat(73) }] }],
        },
      },
      ["list.sections.0.rows.0.title", "list.sections.0.rows.0.description"],
    ],
    [
      "untitled sections when there are several",
      {
        type: "interactive",
        kind: "list",
        body: "x",
        list: {
          button: "Open",
          sections: [{ rows: [{ id: "a", title: "A" }] }, { title: "B", rows: [{ id: "b", title: "B" }] }],
        },
      },
      ["list.sections.0.title"],
    ],
    [
      "duplicate row ids across sections",
      {
        type: "interactive",
        kind: "list",
        body: "x",
        list: {
          button: "Open",
          sections: [
            { title: "A", rows: [{ id: "same", title: "A" }] },
            { title: "B", rows: [{ id: "same", title: "B" }] },
          ],
        },
      },
      ["list.sections.1.rows.0.id"],
    ],
    [
      "a cta over http",
      {
        type: "interactive",
        kind: "cta_url",
        body: "x",
        cta: { display_text: "Go", url: "http://x.example.com" },
      },
      ["cta.url"],
    ],
    ["a cta message without cta", { type: "interactive", kind: "cta_url", body: "x" }, ["cta"]],
    ["a reaction with text", { type: "reaction", message_id: MSG_ID, emoji: "ok" }, ["emoji"]],
    ["a reaction with digits only", { type: "reaction", message_id: MSG_ID, emoji: "12" }, ["emoji"]],
    ["a reaction to a wamid", { type: "reaction", message_id: WAMID, emoji: "👍" }, ["message_id"]],
    ["a latitude out of range", { type: "location", latitude: 91, longitude: 0 }, ["latitude"]],
    ["a longitude out of range", { type: "location", latitude: 0, longitude: -181 }, ["longitude"]],
  ])("rejects %s, naming the field", (_name, input, paths) => {
    expect(errorPaths(input)).toEqual(paths);
  });
});

describe("buildSendBody", () => {
  const send = (message: ResolvedOutbound, extra: { callbackData?: string } = {}) =>
    buildSendBody({ message, recipient: phone, ...extra });

  it("text, to the phone's digits, with preview_url defaulting to false", () => {
    expect(send({ type: "text", text: "Hello there" })).toStrictEqual({
      ...common,
      type: "text",
      text: { preview_url: false, body: "Hello there" },
    });
  });

  it("a reply carries context and the callback data", () => {
    expect(
      send(
        { type: "text", text: "Yes", preview_url: true, context_wamid: WAMID },
        { callbackData: "msg:42" },
      ),
    ).toStrictEqual({
      ...common,
      type: "text",
      text: { preview_url: true, body: "Yes" },
      context: { message_id: WAMID },
      biz_opaque_callback_data: "msg:42",
    });
  });

  it("sends to the BSUID when no phone is known", () => {
    const body = buildSendBody({
      message: { type: "text", text: "Hi" },
      recipient: { phone: null, bsuid: "US.13491208655302741918" },
    });
    expect(body).toStrictEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      recipient: "US.13491208655302741918",
      type: "text",
      text: { preview_url: false, body: "Hi" },
    });
  });

  it("falls back to the BSUID when the phone has no digits", () => {
    const body = buildSendBody({
      message: { type: "text", text: "Hi" },
      recipient: { phone: " ", bsuid: "BR.9" },
    });
    expect(body.recipient).toBe("BR.9");
    expect(body).not.toHaveProperty("to");
  });

  it("throws when there is neither a phone nor a BSUID", () => {
    expect(() =>
      buildSendBody({ message: { type: "text", text: "Hi" }, recipient: { phone: null, bsuid: null } }),
    ).toThrow(/neither a phone number nor a BSUID/);
    expect(() =>
      buildSendBody({ message: { type: "text", text: "Hi" }, recipient: { phone: "", bsuid: "" } }),
    ).toThrow(Error);
  });

  it("rejects callback data over 512 characters", () => {
    expect(() => send({ type: "text", text: "x" }, { callbackData: "c".repeat(513) })).toThrow(/512/);
    expect(
      send({ type: "text", text: "x" }, { callbackData: "c".repeat(512) }).biz_opaque_callback_data,
    ).toHaveLength(512);
  });

  it.each<[string, ResolvedOutbound, Record<string, unknown>]>([
    [
      "image by id with caption",
      { type: "image", media: { id: "1234" }, caption: "Receipt" },
      { type: "image", image: { id: "1234", caption: "Receipt" } },
    ],
    [
      "video by link",
      { type: "video", media: { link: "https://cdn.example.com/v.mp4" } },
      { type: "video", video: { link: "https://cdn.example.com/v.mp4" } },
    ],
    ["audio", { type: "audio", media: { id: "77" } }, { type: "audio", audio: { id: "77" } }],
    ["sticker", { type: "sticker", media: { id: "88" } }, { type: "sticker", sticker: { id: "88" } }],
    [
      "document with filename",
      { type: "document", media: { id: "99" }, filename: "invoice.pdf", caption: "March" },
      { type: "document", document: { id: "99", caption: "March", filename: "invoice.pdf" } },
    ],
    [
      "reaction",
      { type: "reaction", message_wamid: WAMID, emoji: "❤️" },
      { type: "reaction", reaction: { message_id: WAMID, emoji: "❤️" } },
    ],
    [
      "reaction removal",
      { type: "reaction", message_wamid: WAMID, emoji: "" },
      { type: "reaction", reaction: { message_id: WAMID, emoji: "" } },
    ],
    [
      "location",
      { type: "location", latitude: 38.7, longitude: -9.1, name: "Shop" },
      { type: "location", location: { latitude: 38.7, longitude: -9.1, name: "Shop" } },
    ],
    [
      "template",
      {
        type: "template",
        template: {
          name: "order_ready",
          language: { code: "en_US" },
          components: [{ type: "body", parameters: [{ type: "text", text: "Ana" }] }],
        },
      },
      {
        type: "template",
        template: {
          name: "order_ready",
          language: { code: "en_US" },
          components: [{ type: "body", parameters: [{ type: "text", text: "Ana" }] }],
        },
      },
    ],
  ])("%s", (_name, message, expected) => {
    expect(send(message)).toStrictEqual({ ...common, ...expected });
  });

  it("never quotes a reaction", () => {
    const body = send({ type: "reaction", message_wamid: WAMID, emoji: "👍", context_wamid: "wamid.other" });
    expect(body).not.toHaveProperty("context");
  });

  it("reply buttons", () => {
    expect(
      send({
        type: "interactive",
        kind: "button",
        header: "Delivery",
        body: "When suits you?",
        footer: "Tandem",
        buttons: [
          { id: "today", title: "Today" },
          { id: "tomorrow", title: "Tomorrow" },
        ],
        context_wamid: WAMID,
      }),
    ).toStrictEqual({
      ...common,
      type: "interactive",
      interactive: {
        type: "button",
        header: { type: "text", text: "Delivery" },
        body: { text: "When suits you?" },
        footer: { text: "Tandem" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "today", title: "Today" } },
            { type: "reply", reply: { id: "tomorrow", title: "Tomorrow" } },
          ],
        },
      },
      context: { message_id: WAMID },
    });
  });

  it("list", () => {
    expect(
      send({
        type: "interactive",
        kind: "list",
        body: "Choose a slot",
        list: {
          button: "Slots",
          sections: [
            {
              title: "Morning",
              rows: [
                { id: "m9", title: "9:00", description: "Front desk" },
                { id: "m10", title: "10:00" },
              ],
            },
          ],
        },
      }),
    ).toStrictEqual({
      ...common,
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: "Choose a slot" },
        action: {
          button: "Slots",
          sections: [
            {
              title: "Morning",
              rows: [
                { id: "m9", title: "9:00", description: "Front desk" },
                { id: "m10", title: "10:00" },
              ],
            },
          ],
        },
      },
    });
  });

  it("CTA URL", () => {
    expect(
      send({
        type: "interactive",
        kind: "cta_url",
        body: "Track your order",
        cta: { display_text: "Track", url: "https://shop.example.com/t/1" },
      }),
    ).toStrictEqual({
      ...common,
      type: "interactive",
      interactive: {
        type: "cta_url",
        body: { text: "Track your order" },
        action: {
          name: "cta_url",
          parameters: { display_text: "Track", url: "https://shop.example.com/t/1" },
        },
      },
    });
  });

  it("does not share the template object with the caller", () => {
    const template = { name: "t", language: { code: "en" }, components: [] };
    const body = send({ type: "template", template });
    expect(body.template).toEqual(template);
    expect(body.template).not.toBe(template);
  });
});

describe("markReadBody", () => {
  it("marks read without typing", () => {
    expect(markReadBody(WAMID, false)).toStrictEqual({
      messaging_product: "whatsapp",
      status: "read",
      message_id: WAMID,
    });
  });

  it("adds the typing indicator", () => {
    expect(markReadBody(WAMID, true)).toStrictEqual({
      messaging_product: "whatsapp",
      status: "read",
      message_id: WAMID,
      typing_indicator: { type: "text" },
    });
  });
});

describe("previewText", () => {
  it.each<[ResolvedOutbound | OutboundMessageInput, string]>([
    [{ type: "text", text: "  Hello\n\nthere  " }, "Hello there"],
    [{ type: "image", media: { id: "1" } }, "📷 Photo"],
    [{ type: "image", media_id: FILE_ID, caption: "The receipt" }, "📷 The receipt"],
    [{ type: "video", media: { id: "1" } }, "🎥 Video"],
    [{ type: "audio", media: { id: "1" } }, "🎵 Audio"],
    [{ type: "sticker", media: { id: "1" } }, "💟 Sticker"],
    [{ type: "document", media: { id: "1" }, filename: "invoice.pdf" }, "📄 invoice.pdf"],
    [{ type: "document", media: { id: "1" } }, "📄 Document"],
    [
      { type: "template", template: { name: "order_ready", language: { code: "en" }, components: [] } },
      "Template: order_ready",
    ],
    [{ type: "template", template_id: TEMPLATE_ID }, "Template"],
    [
      { type: "interactive", kind: "button", body: "Pick one", buttons: [{ id: "a", title: "A" }] },
      "Pick one",
    ],
    [{ type: "reaction", message_wamid: WAMID, emoji: "👍" }, "Reacted 👍"],
    [{ type: "reaction", message_id: MSG_ID, emoji: "" }, "Removed a reaction"],
    [{ type: "location", latitude: 1, longitude: 2, name: "Shop" }, "📍 Shop"],
    [{ type: "location", latitude: 1, longitude: 2 }, "📍 Location"],
  ])("%o → %s", (message, expected) => {
    expect(previewText(message)).toBe(expected);
  });

  it("cuts long text at 120 characters with an ellipsis", () => {
    const preview = previewText({ type: "text", text: "a".repeat(300) });
    expect(preview).toBe(`${"a".repeat(119)}…`);
    expect(previewText({ type: "text", text: "b".repeat(120) })).toBe("b".repeat(120));
  });

  it("never splits an emoji when cutting", () => {
    const preview = previewText({ type: "text", text: "😀".repeat(200) });
    expect(Array.from(preview)).toHaveLength(120);
    expect(preview.endsWith("😀…")).toBe(true);
  });
});
