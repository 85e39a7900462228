import { describe, expect, it } from "vitest";
import { requestIdFrom } from "./index";

describe("requestIdFrom", () => {
  it("keeps a log-safe incoming id", () => {
    expect(requestIdFrom("lb-7f3a:42")).toBe("lb-7f3a:42");
    expect(requestIdFrom(["abc-1", "abc-2"])).toBe("abc-1");
  });

  it("replaces a missing, oversized or unsafe id with a fresh uuid", () => {
    for (const bad of [undefined, "", "a".repeat(129), 'x"\ninjected', "two words"]) {
      const id = requestIdFrom(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
