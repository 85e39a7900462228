import { describe, expect, it } from "vitest";
import { customSnooze, snoozeChoices } from "./snooze";

describe("snoozeChoices", () => {
  it("offers an hour, tomorrow 9:00, next Monday 9:00 and the customer's reply", () => {
    const now = new Date(2025, 6, 2, 15, 30); // Wednesday
    const [hour, tomorrow, week, reply] = snoozeChoices(now);
    expect(new Date(hour!.until!).getTime() - now.getTime()).toBe(3_600_000);
    expect(new Date(tomorrow!.until!)).toEqual(new Date(2025, 6, 3, 9, 0));
    expect(new Date(week!.until!)).toEqual(new Date(2025, 6, 7, 9, 0));
    expect(reply!.until).toBeNull();
  });
  it("goes a full week on from a Monday", () => {
    const monday = new Date(2025, 6, 7, 8, 0);
    expect(new Date(snoozeChoices(monday)[2]!.until!)).toEqual(new Date(2025, 6, 14, 9, 0));
  });
});

describe("customSnooze", () => {
  it("takes a future local datetime and refuses empty or past values", () => {
    const now = new Date(2025, 6, 2, 15, 30);
    expect(customSnooze("2025-07-02T16:00", now)).toBe(new Date(2025, 6, 2, 16, 0).toISOString());
    expect(customSnooze("2025-07-02T15:00", now)).toBeNull();
    expect(customSnooze("", now)).toBeNull();
    expect(customSnooze("nonsense", now)).toBeNull();
  });
});
