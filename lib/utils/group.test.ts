import { describe, expect, it } from "vitest";
import { groupBy } from "./group";

describe("groupBy", () => {
  it("groups values by key, first-seen key first, values in item order", () => {
    const rows = [
      { c: "b", id: 1 },
      { c: "a", id: 2 },
      { c: "b", id: 3 },
    ];
    const groups = groupBy(
      rows,
      (r) => r.c,
      (r) => r.id,
    );
    expect([...groups]).toEqual([
      ["b", [1, 3]],
      ["a", [2]],
    ]);
    expect(groupBy([], String, String).size).toBe(0);
  });
});
