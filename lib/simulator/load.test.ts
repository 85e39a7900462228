import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIZ, KERRY } from "./fixture-cases";
import { runLoad } from "./load";
import { inboundMessage } from "./payloads";
import { newWamid } from "./sign";
import { SECRET, startReceiver } from "./test-helpers";

let rx: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

const makeBody = (i: number) =>
  inboundMessage(BIZ, KERRY, {
    id: newWamid(),
    timestamp: "1767225600",
    content: { type: "text", body: `load ${i} ü` },
  });

describe("runLoad", () => {
  it("sends a count of signed webhooks and reports codes and latencies", async () => {
    rx.statuses.push(500, 500);
    const report = await runLoad({ url: rx.url, secret: SECRET, concurrency: 8, count: 100, makeBody });
    expect(report.sent).toBe(100);
    expect(report.statuses).toEqual({ "200": 98, "500": 2 });
    expect(rx.received.slice(-100).every((r) => r.validSignature)).toBe(true);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p95);
    expect(report.latencyMs.p99).toBeLessThanOrEqual(report.latencyMs.max);
  });

  it("holds a rate for a duration", async () => {
    const report = await runLoad({
      url: rx.url,
      secret: SECRET,
      concurrency: 4,
      rate: 100,
      durationMs: 500,
      makeBody,
    });
    expect(report.sent).toBeGreaterThanOrEqual(25);
    expect(report.sent).toBeLessThanOrEqual(52);
  });

  it("counts connection errors", async () => {
    const report = await runLoad({
      url: "http://127.0.0.1:1/",
      secret: SECRET,
      concurrency: 2,
      count: 4,
      makeBody,
    });
    expect(report.statuses).toEqual({ error: 4 });
  });
});
