import type { Socket } from "socket.io-client";
import { describe, expect, it } from "vitest";
import { checkRateLimit, checkSockets, msWithPostgresUp } from "./ledger";
import type { SocketClient } from "./load";

const PNID = "1300000000000005";
const send = (at: number, heldMs?: number) => ({
  at,
  ...(heldMs ? { held_ms: heldMs } : {}),
  method: "POST",
  path: `/v21.0/${PNID}/messages`,
  status: 200,
  body: { type: "text", biz_opaque_callback_data: `tandem:${at}` },
});
const spaced = (gaps: number[], held: (number | undefined)[] = []) => {
  let at = 1_700_000_000_000;
  return [send(at, held[0]), ...gaps.map((gap, i) => send((at += gap), held[i + 1]))];
};

describe("checkRateLimit (the fault ledger's per-number rule)", () => {
  it("passes six sends spread over more than a second", () => {
    expect(checkRateLimit(spaced([202, 202, 202, 202, 202]), PNID, 5).ok).toBe(true);
  });

  it("fails six sends within a second, naming them", () => {
    const check = checkRateLimit(spaced([173, 207, 199, 209, 202]), PNID, 5);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain("crowded window at");
    expect(check.detail).toContain("+990 ms");
  });

  it("does not blame the sender for a stamp the simulator's busy loop delayed", () => {
    // The first stamp may be 31 ms late: it may have arrived at -31, and then the six span 1,021 ms.
    const check = checkRateLimit(spaced([173, 207, 199, 209, 202], [31]), PNID, 5);
    expect(check.ok).toBe(true);
    expect(check.detail).toContain("crowded only by the simulator's own delay");
  });

  it("still fails when the loop's delay cannot explain the crowding", () => {
    const check = checkRateLimit(spaced([150, 150, 150, 150, 150], [31]), PNID, 5);
    expect(check.ok).toBe(false);
  });
});

describe("msWithPostgresUp (catch-up time the app owns)", () => {
  const down = [{ from: 10_000, to: 40_000 }];
  it("counts a catch-up with Postgres up in full", () => {
    expect(msWithPostgresUp({ at: 50_000, ms: 700 }, down)).toBe(700);
    expect(msWithPostgresUp({ at: 1_000, ms: 700 }, down)).toBe(700);
  });
  it("times one that began or ran during the outage from Postgres' return", () => {
    expect(msWithPostgresUp({ at: 20_000, ms: 21_500 }, down)).toBe(1_500);
    expect(msWithPostgresUp({ at: 9_000, ms: 32_000 }, down)).toBe(1_000);
  });
});

describe("checkSockets' catch-up target (T4b: every missed event within 2 s of reconnecting)", () => {
  // One client that reconnected once and saw both events of its one conversation.
  const client = (catchUpMs: number, at = 50_000): SocketClient => ({
    name: "c1",
    socket: { connected: true } as Socket,
    seen: new Map([["conv", new Set([1, 2])]]),
    covered: new Map(),
    connects: 2,
    resyncs: 0,
    reconnects: [{ at: at - 300, ms: 300 }],
    catchUps: [{ at, ms: catchUpMs, detail: "200 from :1 0 ms" }],
    liveGaps: 0,
  });
  const seqs = new Map([["conv", 2]]);
  const caughtUp = (c: SocketClient, enforced: boolean, down: { from: number; to: number }[] = []) =>
    checkSockets([c], seqs, { ms: 2_000, enforced }, down).checks.find((k) =>
      k.name.startsWith("every reconnect"),
    )!;

  it("fails a catch-up over the target when enforced (--full), naming it", () => {
    const check = caughtUp(client(2_400), true);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain("1 over the target");
  });
  it("passes one within it, and only reports one over it in the short form", () => {
    expect(caughtUp(client(1_900), true).ok).toBe(true);
    expect(caughtUp(client(2_400), false).ok).toBe(true);
  });
  it("does not count the time Postgres was down against the target", () => {
    expect(caughtUp(client(12_000, 50_000), true, [{ from: 40_000, to: 60_500 }]).ok).toBe(true);
  });
});
