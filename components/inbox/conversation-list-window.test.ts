import { describe, expect, it } from "vitest";
import { fill } from "./conversation-list-window";

const limits = { count: 1_000, ahead: 20, behind: 4 };

describe("fill (the conversation list's rendered rows)", () => {
  it("always holds the rows in view, even with nothing to add", () => {
    expect(fill({ start: 0, end: 9 }, { first: 30, last: 39, forward: true }, limits, 0)).toEqual({
      start: 30,
      end: 39,
    });
  });

  it("keeps rendered rows next to the viewport that are within the overscan, and drops the rest", () => {
    // Scrolled down 14 rows: rows 10–29 were rendered ahead; rows before 24 - 4 are gone.
    expect(fill({ start: 0, end: 29 }, { first: 24, last: 33, forward: true }, limits, 0)).toEqual({
      start: 20,
      end: 33,
    });
  });

  it("adds at most `add` rows, ahead of the scrolling first", () => {
    expect(fill({ start: 20, end: 33 }, { first: 24, last: 33, forward: true }, limits, 4)).toEqual({
      start: 20,
      end: 37,
    });
    // Scrolling up: ahead is above.
    expect(fill({ start: 24, end: 37 }, { first: 24, last: 33, forward: false }, limits, 4)).toEqual({
      start: 20,
      end: 37,
    });
  });

  it("grows behind once ahead is full, and stops at the overscan", () => {
    let win = { start: 24, end: 33 };
    const view = { first: 24, last: 33, forward: true };
    for (let i = 0; i < 20; i++) win = fill(win, view, limits, 4);
    expect(win).toEqual({ start: 20, end: 53 });
  });

  it("stays within the list at both ends and after it shrank", () => {
    expect(fill({ start: 0, end: 0 }, { first: 0, last: 9, forward: false }, limits, 100)).toEqual({
      start: 0,
      end: 13,
    });
    expect(fill({ start: 980, end: 999 }, { first: 990, last: 999, forward: true }, limits, 100)).toEqual({
      start: 986,
      end: 999,
    });
    expect(
      fill({ start: 980, end: 999 }, { first: 990, last: 999, forward: true }, { ...limits, count: 995 }, 0),
    ).toEqual({ start: 986, end: 994 });
    expect(
      fill({ start: 0, end: 9 }, { first: 0, last: 9, forward: true }, { ...limits, count: 0 }, 4),
    ).toEqual({
      start: 0,
      end: -1,
    });
  });
});
