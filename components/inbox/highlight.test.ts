import { describe, expect, it } from "vitest";
import { markMatches } from "./highlight";

describe("markMatches", () => {
  it("marks every case-insensitive match and keeps the original case", () => {
    expect(markMatches("Maria Marin", "mar")).toEqual([
      { text: "Mar", hit: true },
      { text: "ia ", hit: false },
      { text: "Mar", hit: true },
      { text: "in", hit: false },
    ]);
  });
  it("returns markup-looking text as plain segments", () => {
    expect(markMatches("<b>x</b>", "x")).toEqual([
      { text: "<b>", hit: false },
      { text: "x", hit: true },
      { text: "</b>", hit: false },
    ]);
  });
  it("handles no query and no match", () => {
    expect(markMatches("abc", " ")).toEqual([{ text: "abc", hit: false }]);
    expect(markMatches("abc", "z")).toEqual([{ text: "abc", hit: false }]);
    expect(markMatches("", "z")).toEqual([]);
  });
});

describe("titleWithCount", () => {
  it("puts the unread count in front of the title, once", async () => {
    const { titleWithCount } = await import("./notification-prefs");
    expect(titleWithCount("Tandem", 3)).toBe("(3) Tandem");
    expect(titleWithCount("(3) Tandem", 5)).toBe("(5) Tandem");
    expect(titleWithCount("(3) Tandem", 0)).toBe("Tandem");
    expect(titleWithCount("Tandem", 120)).toBe("(99+) Tandem");
  });
});
