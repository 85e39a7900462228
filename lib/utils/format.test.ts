import { describe, expect, it } from "vitest";
import {
  dayLabel,
  elapsed,
  fileSize,
  shortTime,
  slaBadge,
  timeAgo,
  windowBadge,
  windowCountdown,
} from "./format";

describe("windowCountdown", () => {
  it("says hours and minutes, rounding down", () => {
    expect(windowCountdown((3 * 60 + 12) * 60_000 + 40_000)).toBe("Window closes in 3 h 12 min");
    expect(windowCountdown(23 * 3_600_000)).toBe("Window closes in 23 h 0 min");
  });

  it("drops the hours under one hour, and says so under a minute", () => {
    expect(windowCountdown(42 * 60_000 + 5_000)).toBe("Window closes in 42 min");
    expect(windowCountdown(59_000)).toBe("Window closes in under a minute");
  });

  it("is closed at or after expiry", () => {
    expect(windowCountdown(0)).toBe("Window closed");
    expect(windowCountdown(-5)).toBe("Window closed");
  });
});

describe("fileSize", () => {
  it("uses KB below a megabyte and MB above", () => {
    expect(fileSize(10)).toBe("1 KB");
    expect(fileSize(340 * 1024)).toBe("340 KB");
    expect(fileSize(1.25 * 1024 * 1024)).toBe("1.3 MB");
  });
});

describe("elapsed, timeAgo and windowBadge", () => {
  it("rounds durations down to the largest sensible unit", () => {
    expect(elapsed(45_000)).toBe("45 s");
    expect(elapsed(12 * 60_000 + 59_000)).toBe("12 min");
    expect(elapsed(3 * 3_600_000)).toBe("3 h");
    expect(elapsed(50 * 3_600_000)).toBe("2 d");
  });
  it("says just now, then minutes ago", () => {
    const now = new Date("2025-01-01T12:00:00Z");
    expect(timeAgo("2025-01-01T11:59:30Z", now)).toBe("just now");
    expect(timeAgo("2025-01-01T11:55:00Z", now)).toBe("5 min ago");
  });
  it("flags a closed or closing window only", () => {
    const now = Date.parse("2025-01-01T12:00:00Z");
    expect(windowBadge(null, now)).toEqual({ kind: "closed", label: "Window closed" });
    expect(windowBadge("2025-01-01T11:00:00Z", now)?.kind).toBe("closed");
    expect(windowBadge("2025-01-01T13:00:00Z", now)).toEqual({ kind: "closing", label: "Closes in 1 h" });
    expect(windowBadge("2025-01-02T10:00:00Z", now)).toBeNull();
  });
});

describe("slaBadge", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const clocks = (first: string | null, next: string | null, resolution: string | null) => ({
    first_response_due_at: first,
    next_response_due_at: next,
    resolution_due_at: resolution,
  });

  it("says nothing when no clock runs or the nearest deadline is more than an hour away", () => {
    expect(slaBadge(clocks(null, null, null), now)).toBeNull();
    expect(slaBadge(clocks(at(90), null, at(600)), now)).toBeNull();
  });

  it("shows the nearest running deadline once it is close, and overdue once it has passed", () => {
    expect(slaBadge(clocks(at(45), null, at(20)), now)).toEqual({ kind: "due", label: "Resolve in 20 min" });
    expect(slaBadge(clocks(null, at(-5), at(30)), now)).toEqual({
      kind: "breached",
      label: "Reply overdue 5 min",
    });
  });
});

describe("shortTime and dayLabel", () => {
  const now = new Date(2026, 10, 24, 15, 30);
  it("say the time today, the date before, in the default locale as toLocale*String would", () => {
    const today = new Date(2026, 10, 24, 9, 5);
    const earlier = new Date(2026, 9, 3, 9, 5);
    expect(shortTime(today.toISOString(), now)).toBe(
      today.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
    );
    expect(shortTime(earlier.toISOString(), now)).toBe(
      earlier.toLocaleDateString([], { month: "short", day: "numeric" }),
    );
    expect(shortTime(null, now)).toBe("");
  });

  it("name today and yesterday, and spell out older days", () => {
    expect(dayLabel(new Date(2026, 10, 24, 1).toISOString(), now)).toBe("Today");
    expect(dayLabel(new Date(2026, 10, 23, 23).toISOString(), now)).toBe("Yesterday");
    const old = new Date(2026, 0, 2, 12);
    expect(dayLabel(old.toISOString(), now)).toBe(
      old.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric", year: "numeric" }),
    );
  });
});
