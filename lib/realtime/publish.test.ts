import { describe, expect, it } from "vitest";
import type { RealtimeEnvelope } from "./events";
import { conversationEnvelope, packEnvelopes, unpackPayload } from "./publish";

const envelopes = (n: number): RealtimeEnvelope[] =>
  Array.from({ length: n }, (_, i) =>
    conversationEnvelope({
      conversationId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      teamId: i % 2 ? `10000000-0000-4000-8000-${String(i).padStart(12, "0")}` : null,
      assigneeId: i % 3 ? null : `20000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      seq: i + 1,
      messageId: i % 4 ? `30000000-0000-4000-8000-${String(i).padStart(12, "0")}` : null,
      reason: "message",
    }),
  );

describe("packEnvelopes", () => {
  it("keeps a lone envelope a plain envelope (the form every receiver already reads)", () => {
    const [one] = envelopes(1);
    expect(packEnvelopes([one!])).toEqual([JSON.stringify(one)]);
    expect(packEnvelopes([])).toEqual([]);
  });

  it("splits a large batch into payloads under Postgres' 8000-byte NOTIFY cap, in order, losing none", () => {
    const all = envelopes(500);
    const payloads = packEnvelopes(all);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap(unpackPayload)).toEqual(all);
  });

  it("counts bytes, not characters", () => {
    const wide: RealtimeEnvelope[] = Array.from({ length: 40 }, (_, i) => ({
      rooms: [`team:${"é".repeat(60)}${i}`],
      event: "board.changed",
      data: { reason: "conversation" },
    }));
    const payloads = packEnvelopes(wide, 1_000);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(1_000);
    expect(payloads.flatMap(unpackPayload)).toEqual(wide);
  });
});

describe("conversationEnvelope", () => {
  const change = {
    conversationId: "00000000-0000-4000-8000-000000000001",
    teamId: null,
    assigneeId: null,
    seq: 7,
    reason: "status" as const,
  };
  const id = (i: number) => `30000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

  it("names the changed messages once each, up to 50", () => {
    const ids = Array.from({ length: 50 }, (_, i) => id(i));
    const envelope = conversationEnvelope({ ...change, messageIds: [...ids, id(0)] });
    expect(envelope.data).toEqual({
      conversation_id: change.conversationId,
      seq: 7,
      reason: "status",
      message_ids: ids,
    });
  });

  it("names none when more changed or none are known: the client reloads the thread", () => {
    const many = Array.from({ length: 51 }, (_, i) => id(i));
    expect(conversationEnvelope({ ...change, messageIds: many }).data).not.toHaveProperty("message_ids");
    expect(conversationEnvelope({ ...change, messageIds: [] }).data).not.toHaveProperty("message_ids");
    expect(conversationEnvelope(change).data).not.toHaveProperty("message_ids");
  });
});
