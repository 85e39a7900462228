import { describe, expect, it } from "vitest";
import { describePresence, present } from "./presence";

describe("presence", () => {
  it("keeps who has not lapsed, typists first, and says it in words", () => {
    const now = 1_000_000;
    const entries = new Map([
      ["u1", { name: "Ana", viewingUntil: now + 5_000, typingUntil: now + 2_000 }],
      ["u2", { name: "Bo", viewingUntil: now + 5_000, typingUntil: now - 1 }],
      ["u3", { name: "Cy", viewingUntil: now - 1, typingUntil: now - 1 }],
    ]);
    const agents = present(entries, now);
    expect(agents).toEqual([
      { userId: "u1", name: "Ana", typing: true },
      { userId: "u2", name: "Bo", typing: false },
    ]);
    expect(describePresence(agents)).toEqual({ viewing: "Bo is viewing", typing: "Ana is typing…" });
    // Ana stopped typing a while ago: she is only viewing now.
    expect(describePresence(present(entries, now + 3_000))).toEqual({
      viewing: "Ana and Bo are viewing",
      typing: null,
    });
    expect(describePresence([])).toEqual({ viewing: null, typing: null });
  });
});
