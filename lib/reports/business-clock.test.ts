import { describe, expect, it } from "vitest";
import { businessMinutesBetween, type WeeklyHours } from "@/lib/sla";
import { businessClock, clockArrays, clockAt } from "./business-clock";

const schedules: WeeklyHours[] = [
  {
    // Split days, a short Saturday, a holiday, and both 2026 DST changes in range.
    timezone: "Europe/Madrid",
    weekly: {
      mon: [
        ["09:00", "13:00"],
        ["14:00", "18:00"],
      ],
      tue: [["09:00", "17:30"]],
      wed: [["09:00", "17:30"]],
      thu: [["09:00", "17:30"]],
      fri: [["09:00", "15:00"]],
      sat: [["10:00", "14:00"]],
    },
    holidays: [{ date: "2026-10-12" }],
  },
  {
    // A night shift past midnight in a zone west of UTC.
    timezone: "America/New_York",
    weekly: { mon: [["22:00", "06:00"]], wed: [["22:00", "06:00"]], fri: [["08:00", "20:00"]] },
    holidays: [],
  },
];

describe("businessClock", () => {
  it("gives the same open minutes as businessMinutesBetween for any two moments in its span", () => {
    const from = Date.parse("2026-03-01T00:00:00Z");
    const to = Date.parse("2026-11-15T00:00:00Z");
    // Deterministic pseudo-random moments, so a failure reproduces.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const hours of schedules) {
      const clock = businessClock(hours, from, to);
      for (let i = 0; i < 400; i++) {
        const a = from + 86_400_000 + Math.floor(rand() * (to - from - 20 * 86_400_000));
        const b = a + Math.floor(rand() * (i % 4 === 0 ? 15 : 1) * 86_400_000);
        const expected = businessMinutesBetween(hours, new Date(a), new Date(b));
        expect(Math.max(0, clockAt(clock, b) - clockAt(clock, a))).toBeCloseTo(expected, 6);
      }
    }
  });

  it("is zero before its first interval and serialises as Postgres arrays", () => {
    const clock = businessClock(
      schedules[0]!,
      Date.parse("2026-11-23T00:00:00Z"),
      Date.parse("2026-11-24T00:00:00Z"),
    );
    expect(clockAt(clock, Date.parse("2026-11-23T07:00:00Z"))).toBe(0);
    // Monday in Madrid (UTC+1): 09:00–13:00 and 14:00–18:00 local.
    expect(clockAt(clock, Date.parse("2026-11-23T23:00:00Z"))).toBe(480);
    expect(clockArrays(clock)).toEqual({
      starts: "{2026-11-23T08:00:00.000Z,2026-11-23T13:00:00.000Z}",
      ends: "{2026-11-23T12:00:00.000Z,2026-11-23T17:00:00.000Z}",
      before: "{0,240}",
    });
  });
});
