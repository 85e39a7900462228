import { describe, expect, it } from "vitest";
import { isOpen, isValidTimeZone, type Hours } from "./business-hours";

const weekdays = (ranges: [string, string][]): Hours["weekly"] => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});

const madrid: Hours = { timezone: "Europe/Madrid", weekly: weekdays([["09:00", "17:00"]]), holidays: [] };
const newYork: Hours = { timezone: "America/New_York", weekly: weekdays([["09:00", "17:00"]]), holidays: [] };
const tokyo: Hours = { timezone: "Asia/Tokyo", weekly: weekdays([["09:00", "17:00"]]), holidays: [] };

describe("isOpen", () => {
  it("no hours means always open", () => {
    expect(isOpen(undefined, new Date("2026-03-14T03:00:00Z"))).toBe(true);
    expect(isOpen(null, new Date("2026-03-14T03:00:00Z"))).toBe(true);
  });

  it.each<[string, Hours, string, boolean]>([
    // Wednesday 2026-01-14, Madrid is UTC+1 in winter.
    ["Madrid 09:00 local opens", madrid, "2026-01-14T08:00:00Z", true],
    ["Madrid 08:59 local is closed", madrid, "2026-01-14T07:59:00Z", false],
    ["Madrid 16:59 local is open", madrid, "2026-01-14T15:59:00Z", true],
    ["Madrid 17:00 local closes (end exclusive)", madrid, "2026-01-14T16:00:00Z", false],
    // Same instant, other zones: 13:00 UTC is 08:00 in New York, 22:00 in Tokyo.
    ["New York at 13:00 UTC (08:00 local)", newYork, "2026-01-14T13:00:00Z", false],
    ["New York at 14:00 UTC (09:00 local)", newYork, "2026-01-14T14:00:00Z", true],
    ["Tokyo at 13:00 UTC (22:00 local)", tokyo, "2026-01-14T13:00:00Z", false],
    ["Tokyo at 01:00 UTC (10:00 local)", tokyo, "2026-01-14T01:00:00Z", true],
    // Friday 23:30 UTC is already Saturday in Tokyo (closed) and Friday 18:30 in New York (closed).
    ["Tokyo Saturday morning local", tokyo, "2026-01-16T23:30:00Z", false],
    // Monday 00:30 UTC is Sunday evening in New York: closed although Monday in UTC.
    ["New York Sunday evening", newYork, "2026-01-19T00:30:00Z", false],
  ])("%s", (_, hours, at, open) => {
    expect(isOpen(hours, new Date(at))).toBe(open);
  });

  describe("DST change days", () => {
    // Europe springs forward on Sunday 2026-03-29 (02:00 → 03:00) and falls back on 2026-10-25.
    const everyDay: Hours = {
      timezone: "Europe/Madrid",
      weekly: { sun: [["09:00", "17:00"]], mon: [["09:00", "17:00"]] },
      holidays: [],
    };
    it.each<[string, string, boolean]>([
      ["spring-forward Sunday 09:00 local is 07:00 UTC", "2026-03-29T07:00:00Z", true],
      ["spring-forward Sunday 08:30 local", "2026-03-29T06:30:00Z", false],
      ["spring-forward Sunday 17:00 local is 15:00 UTC", "2026-03-29T15:00:00Z", false],
      ["spring-forward Sunday 16:59 local", "2026-03-29T14:59:00Z", true],
      ["fall-back Sunday 09:00 local is 08:00 UTC", "2026-10-25T08:00:00Z", true],
      ["fall-back Sunday 08:59 local", "2026-10-25T07:59:00Z", false],
      ["fall-back Sunday 17:00 local is 16:00 UTC", "2026-10-25T16:00:00Z", false],
    ])("%s", (_, at, open) => {
      expect(isOpen(everyDay, new Date(at))).toBe(open);
    });

    it("a night range across the US spring-forward hour", () => {
      // Sat 22:00 → Sun 04:00 in New York; 2026-03-08 02:00 jumps to 03:00.
      const nights: Hours = {
        timezone: "America/New_York",
        weekly: { sat: [["22:00", "04:00"]] },
        holidays: [],
      };
      expect(isOpen(nights, new Date("2026-03-08T07:30:00Z"))).toBe(true); // 03:30 EDT
      expect(isOpen(nights, new Date("2026-03-08T08:00:00Z"))).toBe(false); // 04:00 EDT
      expect(isOpen(nights, new Date("2026-03-08T06:59:00Z"))).toBe(true); // 01:59 EST
    });
  });

  describe("overnight ranges", () => {
    const bar: Hours = { timezone: "UTC", weekly: { fri: [["22:00", "02:00"]] }, holidays: [] };
    it.each<[string, string, boolean]>([
      ["Friday 21:59", "2026-01-16T21:59:00Z", false],
      ["Friday 22:00", "2026-01-16T22:00:00Z", true],
      ["Friday 23:59", "2026-01-16T23:59:00Z", true],
      ["Saturday 00:00 (from Friday)", "2026-01-17T00:00:00Z", true],
      ["Saturday 01:59", "2026-01-17T01:59:00Z", true],
      ["Saturday 02:00", "2026-01-17T02:00:00Z", false],
      ["Saturday 22:30 (no Saturday range)", "2026-01-17T22:30:00Z", false],
      ["Friday 01:00 (Thursday has no range)", "2026-01-16T01:00:00Z", false],
    ])("%s", (_, at, open) => {
      expect(isOpen(bar, new Date(at))).toBe(open);
    });

    it("00:00–00:00 is open all day, 24:00 ends at midnight", () => {
      const allDay: Hours = {
        timezone: "UTC",
        weekly: { mon: [["00:00", "00:00"]], tue: [["12:00", "24:00"]] },
        holidays: [],
      };
      expect(isOpen(allDay, new Date("2026-01-12T00:00:00Z"))).toBe(true);
      expect(isOpen(allDay, new Date("2026-01-12T23:59:00Z"))).toBe(true);
      expect(isOpen(allDay, new Date("2026-01-13T00:00:00Z"))).toBe(false);
      expect(isOpen(allDay, new Date("2026-01-13T23:59:00Z"))).toBe(true);
    });

    it("several ranges a day (lunch break)", () => {
      const split: Hours = {
        timezone: "UTC",
        weekly: {
          mon: [
            ["09:00", "13:00"],
            ["15:00", "19:00"],
          ],
        },
        holidays: [],
      };
      expect(isOpen(split, new Date("2026-01-12T14:00:00Z"))).toBe(false);
      expect(isOpen(split, new Date("2026-01-12T15:30:00Z"))).toBe(true);
    });
  });

  describe("holidays", () => {
    const hours: Hours = {
      timezone: "America/New_York",
      weekly: { ...weekdays([["09:00", "17:00"]]), thu: [["20:00", "02:00"]] },
      holidays: [{ date: "2026-12-25", name: "Christmas" }, { date: "2026-11-26" }],
    };
    it("closed all day on a holiday, by the local date", () => {
      // Friday 2026-12-25 12:00 in New York.
      expect(isOpen(hours, new Date("2026-12-25T17:00:00Z"))).toBe(false);
      // The Wednesday before is a normal day: open at noon local.
      expect(isOpen(hours, new Date("2026-12-23T17:00:00Z"))).toBe(true);
    });

    it("a night range that began before the holiday runs into it", () => {
      // Thursday 2026-12-24 20:00 → Friday 02:00 (the holiday): still open at Friday 01:00 local.
      expect(isOpen(hours, new Date("2026-12-25T06:00:00Z"))).toBe(true);
    });

    it("a night range starting on a holiday does not open", () => {
      // Thursday 2026-11-26 (Thanksgiving) 21:00 local, and Friday 01:00 local.
      expect(isOpen(hours, new Date("2026-11-27T02:00:00Z"))).toBe(false);
      expect(isOpen(hours, new Date("2026-11-27T06:00:00Z"))).toBe(false);
    });

    it("the holiday's local date, not the UTC date, is what counts", () => {
      // 2026-12-25 04:00 UTC is still 2026-12-24 23:00 in New York: Thursday's night range, open.
      expect(isOpen(hours, new Date("2026-12-25T04:00:00Z"))).toBe(true);
      // 2026-12-25 15:00 UTC is 10:00 on the holiday, a Friday with day hours: closed.
      expect(isOpen(hours, new Date("2026-12-25T15:00:00Z"))).toBe(false);
    });
  });

  it("throws on an unknown time zone; isValidTimeZone says so first", () => {
    expect(isValidTimeZone("Europe/Madrid")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(() => isOpen({ timezone: "Mars/Olympus", weekly: {}, holidays: [] }, new Date())).toThrow(
      RangeError,
    );
  });
});
