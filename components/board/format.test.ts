import { describe, expect, it } from "vitest";
import { formatSpan, isAbsent, loadBar, since } from "./format";

describe("board formatting", () => {
  it("reads spans the way a person says them", () => {
    expect(formatSpan(-5)).toBe("0s");
    expect(formatSpan(45_000)).toBe("45s");
    expect(formatSpan(12 * 60_000 + 59_000)).toBe("12m");
    expect(formatSpan(3 * 3_600_000 + 5 * 60_000)).toBe("3h 05m");
    expect(formatSpan(2 * 86_400_000 + 4 * 3_600_000)).toBe("2d 4h");
    expect(since(null, 0)).toBe("—");
    expect(since("2026-01-01T00:00:00Z", Date.parse("2026-01-01T00:01:30Z"))).toBe("1m");
  });

  it("draws load against capacity and flags overload", () => {
    expect(loadBar(0, 5)).toEqual({ percent: 0, tone: "ok" });
    expect(loadBar(2, 5)).toEqual({ percent: 40, tone: "ok" });
    expect(loadBar(5, 5)).toEqual({ percent: 100, tone: "full" });
    expect(loadBar(7, 5)).toEqual({ percent: 100, tone: "over" });
    expect(loadBar(1, 0)).toEqual({ percent: 100, tone: "over" });
  });

  it("offers bulk reassign only for agents who are not there", () => {
    expect(isAbsent("offline")).toBe(true);
    expect(isAbsent("away")).toBe(true);
    expect(isAbsent("online")).toBe(false);
    expect(isAbsent("busy")).toBe(false);
  });
});
