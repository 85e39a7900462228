import { describe, expect, it } from "vitest";
import { daysOf, presetRange, rangeProblem } from "./dates";

const now = Date.parse("2026-11-23T18:30:00Z");

describe("report ranges", () => {
  it("turn presets into inclusive UTC day ranges ending today", () => {
    expect(presetRange("today", now)).toEqual({ from: "2026-11-23", to: "2026-11-23" });
    expect(presetRange("7d", now)).toEqual({ from: "2026-11-17", to: "2026-11-23" });
    expect(presetRange("30d", now)).toEqual({ from: "2026-10-25", to: "2026-11-23" });
  });

  it("list every day of a range, across a month end", () => {
    expect(daysOf("2026-10-30", "2026-11-02")).toEqual([
      "2026-10-30",
      "2026-10-31",
      "2026-11-01",
      "2026-11-02",
    ]);
    expect(daysOf("2026-11-02", "2026-11-01")).toEqual([]);
  });

  it("refuse a reversed, incomplete or too long custom range", () => {
    expect(rangeProblem("2026-11-01", "2026-11-23")).toBeNull();
    expect(rangeProblem("2026-11-23", "2026-11-01")).toMatch(/before/);
    expect(rangeProblem("", "2026-11-01")).toMatch(/both/);
    expect(rangeProblem("2024-01-01", "2026-11-01")).toMatch(/400/);
  });
});
