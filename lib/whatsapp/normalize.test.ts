import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeWebhook } from "./normalize";

const fixture = (name: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "__fixtures__", `${name}.json`), "utf8"));

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
    expect(image).toMatchObject({ kind: "message.received", type: "image" });
  });

  it("reports a malformed envelope as one failure, never a throw", () => {
    for (const bad of [
      null,
      42,
      "text",
      {},
      { object: "x", entry: "nope" },
      { object: "x", entry: [{ id: 1 }] },
    ]) {
      const result = normalizeWebhook(bad);
      expect(result.events).toEqual([]);
      expect(result.failures).toHaveLength(1);
    }
  });

  it("lets one bad message fail alone among its siblings", () => {
    const body = structuredClone(fixture("message-text")) as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const messages = body.entry[0]!.changes[0]!.value.messages;
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

  it("keeps fields it does not apply yet as unhandled instead of dropping them", () => {
    const { events, failures } = normalizeWebhook(fixture("echo-text"));
    expect(failures).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ kind: "unhandled", field: "smb_message_echoes" })]);
  });
});
