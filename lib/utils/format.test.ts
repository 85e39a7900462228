import { describe, expect, it } from "vitest";
import { fileSize, windowCountdown } from "./format";

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
