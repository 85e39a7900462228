import { describe, expect, it } from "vitest";
import { addBusinessMinutes, businessMinutesBetween, type WeeklyHours } from "./business-time";

const weekdays = (tz: string, extra: Partial<WeeklyHours> = {}): WeeklyHours => ({
  timezone: tz,
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])),
  holidays: [],
  ...extra,
});

describe("addBusinessMinutes", () => {
  it("is plain addition without hours", () => {
    expect(addBusinessMinutes(null, new Date("2026-11-23T10:00:00Z"), 90).toISOString()).toBe(
      "2026-11-23T11:30:00.000Z",
    );
  });

  it("counts only open time, carrying over nights and weekends", () => {
    const hours = weekdays("UTC");
    // Friday 16:30 + 60 business minutes → Monday 09:30.
    expect(addBusinessMinutes(hours, new Date("2026-11-27T16:30:00Z"), 60).toISOString()).toBe(
      "2026-11-30T09:30:00.000Z",
    );
    // Saturday → starts Monday 09:00.
    expect(addBusinessMinutes(hours, new Date("2026-11-28T12:00:00Z"), 30).toISOString()).toBe(
      "2026-11-30T09:30:00.000Z",
    );
    // Before opening.
    expect(addBusinessMinutes(hours, new Date("2026-11-23T07:00:00Z"), 15).toISOString()).toBe(
      "2026-11-23T09:15:00.000Z",
    );
  });

  it("uses the hours' own time zone, across a DST change", () => {
    const hours = weekdays("Europe/Madrid");
    // Monday 2026-11-23 09:00 Madrid (CET, UTC+1) = 08:00 UTC.
    expect(addBusinessMinutes(hours, new Date("2026-11-23T06:00:00Z"), 0).toISOString()).toBe(
      "2026-11-23T08:00:00.000Z",
    );
    // DST ends Sunday 2026-10-25: Friday 16:30 CEST (14:30 UTC) + 60 → Monday 09:30 CET (08:30 UTC).
    expect(addBusinessMinutes(hours, new Date("2026-10-23T14:30:00Z"), 60).toISOString()).toBe(
      "2026-10-26T08:30:00.000Z",
    );
  });

  it("skips holidays and follows ranges past midnight", () => {
    const hours = weekdays("UTC", { holidays: [{ date: "2026-12-25", name: "Christmas" }] });
    expect(addBusinessMinutes(hours, new Date("2026-12-24T16:00:00Z"), 120).toISOString()).toBe(
      "2026-12-28T10:00:00.000Z",
    );
    const night: WeeklyHours = { timezone: "UTC", weekly: { mon: [["22:00", "02:00"]] }, holidays: [] };
    expect(addBusinessMinutes(night, new Date("2026-11-23T23:00:00Z"), 120).toISOString()).toBe(
      "2026-11-24T01:00:00.000Z",
    );
    // Three hours this week (23:00–02:00), the fourth at the next Monday's opening.
    expect(addBusinessMinutes(night, new Date("2026-11-23T23:00:00Z"), 240).toISOString()).toBe(
      "2026-11-30T23:00:00.000Z",
    );
  });

  it("measures business minutes between two moments", () => {
    const hours = weekdays("UTC");
    expect(
      businessMinutesBetween(hours, new Date("2026-11-27T16:30:00Z"), new Date("2026-11-30T09:30:00Z")),
    ).toBe(60);
    expect(
      businessMinutesBetween(null, new Date("2026-11-27T16:30:00Z"), new Date("2026-11-27T17:00:00Z")),
    ).toBe(30);
  });
});
