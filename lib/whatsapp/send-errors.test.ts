import { describe, expect, it } from "vitest";
import {
  backoffMs,
  describeSendError,
  NO_ERROR_CODE,
  retryLimit,
  SEND_ERROR_CODES,
  type SendErrorClass,
} from "@/lib/whatsapp/send-errors";

// Every code in PROTOCOL.md §7, written out by hand so a code dropped from the table fails here.
const PROTOCOL_CODES = [
  131047,
  470,
  131026,
  131051,
  130429,
  131056,
  131048,
  131049,
  131050,
  131000,
  131060,
  131062,
  132000,
  132001,
  132005,
  132007,
  132012,
  132015,
  132016,
  368,
  131031,
  131042,
  190,
  0,
  10,
  4,
  80007,
  133010,
  2593109,
  ...Array.from({ length: 100 }, (_, i) => 200 + i),
];

const RETRYABLE_CLASSES: SendErrorClass[] = ["throughput", "pair", "transient"];

describe("SEND_ERROR_CODES", () => {
  it("covers every code in PROTOCOL.md §7", () => {
    const missing = PROTOCOL_CODES.filter((code) => !SEND_ERROR_CODES.includes(code));
    expect(missing).toEqual([]);
  });

  it("is sorted and has no duplicates", () => {
    expect(SEND_ERROR_CODES).toEqual([...new Set(SEND_ERROR_CODES)].sort((a, b) => a - b));
  });

  it("gives every code a specific, plain description", () => {
    for (const code of SEND_ERROR_CODES) {
      const info = describeSendError(code);
      const where = `code ${code}`;
      expect(info.code, where).toBe(code);
      expect(info.title, where).not.toMatch(/error \d+\)$/); // not the unknown-code fallback
      expect(info.title.length, where).toBeLessThanOrEqual(60);
      expect(info.title.length, where).toBeGreaterThan(10);
      expect(info.hint, where).toMatch(/^[A-Z].*[.!]$/);
      // One or two plain sentences, none of Meta's raw wording.
      expect(info.hint.split(/[.!] /).length, where).toBeLessThanOrEqual(2);
      expect(info.hint, where).not.toMatch(/\(#\d+\)|OAuthException|Re-engagement/);
    }
  });

  it("marks a code retryable exactly when its class is retried", () => {
    for (const code of SEND_ERROR_CODES) {
      const info = describeSendError(code);
      expect(info.retryable, `code ${code}`).toBe(RETRYABLE_CLASSES.includes(info.class));
      if (info.retryable) expect(info.action, `code ${code}`).toBe("retry");
    }
  });
});

describe("describeSendError", () => {
  it.each([131047, 470])("%i: the window is closed, offer a template", (code) => {
    expect(describeSendError(code)).toEqual({
      code,
      class: "window",
      title: "The 24-hour window is closed: send a template",
      hint: expect.stringContaining("template") as string,
      retryable: false,
      action: "template",
    });
  });

  it.each<[number, SendErrorClass, boolean, string]>([
    [131026, "recipient", false, "none"],
    [131051, "permanent", false, "none"],
    [130429, "throughput", true, "retry"],
    [131056, "pair", true, "retry"],
    [131048, "account", false, "none"],
    [131049, "marketing", false, "none"],
    [131050, "marketing", false, "none"],
    [131000, "transient", true, "retry"],
    [131060, "permanent", false, "none"],
    [131062, "recipient", false, "none"],
    [132000, "template", false, "template"],
    [132001, "template", false, "template"],
    [132005, "template", false, "template"],
    [132007, "template", false, "template"],
    [132012, "template", false, "template"],
    [132015, "template", false, "template"],
    [132016, "template", false, "template"],
    [368, "account", false, "none"],
    [131031, "account", false, "none"],
    [131042, "account", false, "none"],
    [190, "token", false, "reconnect"],
    [0, "token", false, "reconnect"],
    [10, "token", false, "reconnect"],
    [200, "token", false, "reconnect"],
    [250, "token", false, "reconnect"],
    [299, "token", false, "reconnect"],
    [4, "throughput", true, "retry"],
    [80007, "throughput", true, "retry"],
    [133010, "account", false, "reconnect"],
    [2593109, "permanent", false, "none"],
  ])("%i → class %s, retryable %s, action %s", (code, cls, retryable, action) => {
    const info = describeSendError(code);
    expect({ class: info.class, retryable: info.retryable, action: info.action }).toEqual({
      class: cls,
      retryable,
      action,
    });
  });

  it("bounds the token range at 200–299", () => {
    expect(describeSendError(199).class).toBe("transient");
    expect(describeSendError(300).class).toBe("transient");
  });

  it("says plainly that a paused template can't be used", () => {
    expect(describeSendError(132015).title).toBe("Template paused by WhatsApp");
    expect(describeSendError(132016).title).toBe("Template disabled by WhatsApp");
  });

  it("falls back to a limited retry for unknown codes", () => {
    expect(describeSendError(999_999)).toEqual({
      code: 999_999,
      class: "transient",
      title: "Message failed (WhatsApp error 999999)",
      hint: expect.any(String) as string,
      retryable: true,
      action: "retry",
    });
    expect(retryLimit(describeSendError(999_999).class)).toBeGreaterThan(0);
    expect(retryLimit(describeSendError(999_999).class)).toBeLessThanOrEqual(5);
  });

  it.each([null, undefined, Number.NaN, 1.5])("treats a missing code (%s) as a network failure", (code) => {
    const info = describeSendError(code);
    expect(info).toMatchObject({ code: NO_ERROR_CODE, class: "transient", retryable: true, action: "retry" });
    expect(info.title).toBe("Couldn't reach WhatsApp");
  });

  it("uses the subcode where it changes the meaning", () => {
    expect(describeSendError(100, 33)).toMatchObject({ code: 100, class: "token", action: "reconnect" });
    expect(describeSendError(100)).toMatchObject({ code: 100, class: "permanent", retryable: false });
    expect(describeSendError(131047, 2494010)).toMatchObject({ class: "window" });
  });

  it("returns a fresh object each time", () => {
    const first = describeSendError(131047);
    first.title = "changed";
    expect(describeSendError(131047).title).toBe("The 24-hour window is closed: send a template");
  });
});

describe("backoffMs", () => {
  const low = () => 0;
  const high = () => 1;
  const mid = () => 0.5;

  it("throughput: 1–1.5 s on the first retry, doubling after", () => {
    expect(backoffMs("throughput", 1, low)).toBe(1000);
    expect(backoffMs("throughput", 1, high)).toBe(1500);
    expect(backoffMs("throughput", 2, high)).toBe(3000);
    expect(backoffMs("throughput", 3, mid)).toBe(3500); // 1000 + 0.5·(6000 − 1000)
  });

  it("pair: never sooner than 6 s, the per-user pace", () => {
    expect(backoffMs("pair", 1, low)).toBe(6000);
    expect(backoffMs("pair", 1, high)).toBe(6000);
    expect(backoffMs("pair", 2, low)).toBe(6000);
    expect(backoffMs("pair", 2, high)).toBe(12000);
    expect(backoffMs("pair", 3, mid)).toBe(15000); // 6000 + 0.5·(24000 − 6000)
  });

  it("transient: 2 s base", () => {
    expect(backoffMs("transient", 1, high)).toBe(2000);
    expect(backoffMs("transient", 1, mid)).toBe(1500);
    expect(backoffMs("transient", 4, high)).toBe(16000);
  });

  it.each(RETRYABLE_CLASSES)("%s: capped at 5 minutes, even for huge attempts", (cls) => {
    expect(backoffMs(cls, 30, high)).toBe(300_000);
    expect(backoffMs(cls, 10_000, high)).toBe(300_000);
    expect(backoffMs(cls, Number.POSITIVE_INFINITY, high)).toBeLessThanOrEqual(300_000);
  });

  it.each(RETRYABLE_CLASSES)("%s: never under 1 s, whatever random or attempt says", (cls) => {
    for (const attempt of [-5, 0, 1, 2, 3, 1.7, Number.NaN]) {
      for (const r of [0, 0.0001, 0.5, 0.9999, 1, -1, 2]) {
        const delay = backoffMs(cls, attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(1000);
        expect(delay).toBeLessThanOrEqual(300_000);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it("grows with the attempt number (upper bound)", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffMs("transient", attempt, high));
    expect(delays).toEqual([2000, 4000, 8000, 16000, 32000, 64000]);
  });

  it("actually jitters between calls", () => {
    const seen = new Set([0.1, 0.3, 0.6, 0.9].map((r) => backoffMs("throughput", 4, () => r)));
    expect(seen.size).toBe(4);
  });

  it.each<SendErrorClass>(["window", "token", "account", "template", "recipient", "marketing", "permanent"])(
    "%s: not retried automatically; a mistaken retry waits the maximum",
    (cls) => {
      expect(retryLimit(cls)).toBe(0);
      expect(backoffMs(cls, 1, low)).toBe(300_000);
    },
  );

  it("gives retryable classes a bounded number of retries", () => {
    for (const cls of RETRYABLE_CLASSES) {
      expect(retryLimit(cls)).toBeGreaterThan(0);
      expect(retryLimit(cls)).toBeLessThanOrEqual(10);
    }
  });
});
