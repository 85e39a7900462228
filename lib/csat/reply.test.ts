import { describe, expect, it } from "vitest";
import { csatReplyId, csatReplyOf } from "./reply";

const cycle = "0b8f6c1e-3a5d-4c1e-9f0a-1234567890ab";

describe("csatReplyOf", () => {
  it("reads a reply button id and a template quick-reply payload", () => {
    expect(
      csatReplyOf("interactive", { type: "button_reply", button_reply: { id: csatReplyId(cycle, 3) } }),
    ).toEqual({
      cycleId: cycle,
      score: 3,
    });
    expect(csatReplyOf("button", { payload: csatReplyId(cycle, 1), text: "Poor" })).toEqual({
      cycleId: cycle,
      score: 1,
    });
  });

  it("ignores other buttons, scores off the 1-3 scale, and other message types", () => {
    expect(
      csatReplyOf("interactive", { type: "button_reply", button_reply: { id: "confirm_yes" } }),
    ).toBeNull();
    expect(
      csatReplyOf("interactive", { type: "button_reply", button_reply: { id: `csat:${cycle}:5` } }),
    ).toBeNull();
    expect(csatReplyOf("text", { body: csatReplyId(cycle, 3) })).toBeNull();
    expect(csatReplyOf("interactive", null)).toBeNull();
  });
});
