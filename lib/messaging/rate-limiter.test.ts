import { describe, expect, it } from "vitest";
import {
  latePushPays,
  numberIntervalMs,
  PgClock,
  SLOT_START_WINDOW_MS,
  UNACCOUNTED_LATE_MS,
} from "./rate-limiter";

// Postgres' clock runs 1,000,000 ms ahead of performance.now() in these samples.
const OFFSET = 1_000_000;
// A start window for these samples (the real one is SLOT_START_WINDOW_MS).
const WINDOW_MS = 20;

describe("PgClock", () => {
  it("bounds a slot's local start from the round trips, tighter with every fast one", () => {
    const clock = new PgClock();
    // Postgres read its clock 30 ms into a 40 ms round trip: the offset is known to ±20 ms only.
    clock.observe(100, 140, 130 + OFFSET);
    expect(clock.localWindow(OFFSET + 500, WINDOW_MS)).toBeNull();
    // A 2 ms round trip pins it to 2 ms: a start at local 500..518 is surely in [slot, slot + 20].
    clock.observe(200, 202, 201 + OFFSET);
    const span = clock.localWindow(OFFSET + 500, WINDOW_MS)!;
    expect(span.earliest).toBe(501);
    expect(span.latest).toBe(519);
    // A later slow trip does not widen it again.
    clock.observe(300, 400, 390 + OFFSET);
    expect(clock.localWindow(OFFSET + 500, WINDOW_MS)).toEqual(span);
  });

  it("starts over from the newest sample when the clocks jump (samples contradict each other)", () => {
    const clock = new PgClock();
    clock.observe(100, 102, 101 + OFFSET);
    clock.observe(200, 202, 201 + OFFSET + 5_000);
    expect(clock.bounds()).toEqual({ lo: OFFSET + 4_999, hi: OFFSET + 5_001 });
  });

  it("puts slots one round trip ahead, within limits", () => {
    const clock = new PgClock();
    clock.observe(0, 30, 15 + OFFSET);
    expect(clock.leadMs()).toBe(30);
    clock.observe(100, 100.2, 100.1 + OFFSET);
    expect(clock.leadMs()).toBe(2);
    clock.observe(200, 2_200, 1_200 + OFFSET);
    expect(clock.leadMs()).toBe(250);
  });
});

describe("numberIntervalMs", () => {
  it.each([5, 20, 80, 1000])(
    "at %i msg/s, limit + 1 sends each up to the start window late still span more than 1 s",
    (limit) => {
      const interval = numberIntervalMs(limit);
      expect(limit * interval - SLOT_START_WINDOW_MS).toBeGreaterThan(1000);
      // …also when one of them left later still, unaccounted (every later slot reserved already)…
      expect(limit * interval - SLOT_START_WINDOW_MS - UNACCOUNTED_LATE_MS).toBeGreaterThan(1000);
      // …and the sustained rate keeps T5's 95 %.
      expect(1000 / interval / limit).toBeGreaterThanOrEqual(0.97);
    },
  );
});

describe("latePushPays", () => {
  it("never pushes the slots back at 80 msg/s: an unused 12.9 ms slot always costs less", () => {
    const intervalMs = numberIntervalMs(80);
    expect(latePushPays({ lateMs: 0, roundTripMs: 2, intervalMs })).toBe(false);
    expect(latePushPays({ lateMs: 40, roundTripMs: 10, intervalMs })).toBe(false);
  });

  it("pushes them at 5 msg/s unless the wake was nearly a whole interval late", () => {
    const intervalMs = numberIntervalMs(5);
    expect(latePushPays({ lateMs: 35, roundTripMs: 10, intervalMs })).toBe(true);
    expect(latePushPays({ lateMs: 190, roundTripMs: 10, intervalMs })).toBe(false);
  });

  it("at 20 msg/s weighs the lateness and the round trip against the 51.5 ms interval", () => {
    const intervalMs = numberIntervalMs(20);
    expect(latePushPays({ lateMs: 12, roundTripMs: 4, intervalMs })).toBe(true);
    expect(latePushPays({ lateMs: 12, roundTripMs: 20, intervalMs })).toBe(false);
  });
});
