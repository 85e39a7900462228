import { describe, expect, it } from "vitest";
import type { ReportRow } from "@/lib/reports/schemas";
import { minutesLabel, percent, rateSeries, timingSeries, volumeSeries } from "./series";

const stat = (p50: number | null, p90: number | null, n: number) => ({ avg: p50, p50, p90, n });
const row = (name: string, over: Partial<ReportRow> = {}): ReportRow => ({
  key: name,
  name,
  cycles: 4,
  first_response_minutes: stat(2, 9, 4),
  resolution_minutes: stat(null, null, 0),
  handle_minutes: stat(null, null, 0),
  reopened: 1,
  reopen_rate: 0.25,
  sla_breached: 1,
  sla_compliance: 0.75,
  ...over,
});

describe("report series", () => {
  it("fill every day of the range and count each source on its day", () => {
    const points = volumeSeries({
      from: "2026-11-01",
      to: "2026-11-03",
      volume: [
        { day: "2026-11-01", source: "customer", direction: "inbound", count: 5 },
        { day: "2026-11-03", source: "business_app", direction: "outbound", count: 2 },
        { day: "2026-11-03", source: "agent", direction: "outbound", count: 3 },
      ],
    });
    expect(points.map((p) => p.day)).toEqual(["2026-11-01", "2026-11-02", "2026-11-03"]);
    expect(points[0]).toMatchObject({ customer: 5, agent: 0 });
    expect(points[1]).toMatchObject({ customer: 0, agent: 0, business_app: 0 });
    expect(points[2]).toMatchObject({ agent: 3, business_app: 2, bot: 0, campaign: 0 });
  });

  it("leave out groups without a timing and turn rates into percent", () => {
    const rows = [row("A"), row("B", { first_response_minutes: stat(null, null, 0), sla_compliance: null })];
    expect(timingSeries(rows, (r) => r.first_response_minutes)).toEqual([{ name: "A", median: 2, p90: 9 }]);
    expect(rateSeries(rows)).toEqual([
      { name: "A", reopen: 25, sla: 75 },
      { name: "B", reopen: 25, sla: null },
    ]);
    expect(percent(0.12345)).toBe(12.3);
  });

  it("label durations in the unit a person expects", () => {
    expect(minutesLabel(null)).toBe("—");
    expect(minutesLabel(0.5)).toBe("30s");
    expect(minutesLabel(12.46)).toBe("12.5 min");
    expect(minutesLabel(190)).toBe("3.2 h");
    expect(minutesLabel(2160)).toBe("1.5 d");
  });
});
