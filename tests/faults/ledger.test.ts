import { describe, expect, it } from "vitest";
import { checkRateLimit, msWithPostgresUp } from "./ledger";

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
