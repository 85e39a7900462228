import { afterEach, describe, expect, it, vi } from "vitest";
import { boardRoomsFor, boardRoomsOf, createBoardNudger } from "./board";

afterEach(() => {
  vi.useRealTimers();
});

describe("board nudges", () => {
  it("send the first at once and fold a burst into one trailing nudge per room", () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const nudger = createBoardNudger((room) => sent.push(room), 500);
    nudger.nudge(["board:all"], { reason: "conversation" });
    expect(sent).toEqual(["board:all"]);
    for (let i = 0; i < 50; i++) nudger.nudge(["board:all", "board:team:a"], { reason: "conversation" });
    // board:team:a had never been nudged: it goes at once; board:all waits for its interval.
    expect(sent).toEqual(["board:all", "board:team:a"]);
    vi.advanceTimersByTime(499);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sent.sort()).toEqual(["board:all", "board:all", "board:team:a", "board:team:a"].sort());
    // Quiet afterwards: nothing more is sent.
    vi.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(4);
    nudger.stop();
  });

  it("carry the latest reason in the trailing nudge, and stop() drops what is pending", () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const nudger = createBoardNudger((_room, e) => sent.push(e.reason), 500);
    nudger.nudge(["board:all"], { reason: "conversation" });
    nudger.nudge(["board:all"], { reason: "conversation" });
    nudger.nudge(["board:all"], { reason: "availability" });
    vi.advanceTimersByTime(500);
    expect(sent).toEqual(["conversation", "availability"]);
    nudger.nudge(["board:all"], { reason: "conversation" });
    nudger.stop();
    vi.advanceTimersByTime(5_000);
    expect(sent).toEqual(["conversation", "availability"]);
  });
});

describe("board rooms", () => {
  it("follow the board's scope: admins everything, supervisors their teams and teamless, agents none", () => {
    expect(boardRoomsFor({ type: "user", id: "u", role: "admin", teamIds: [] })).toEqual(["board:all"]);
    expect(boardRoomsFor({ type: "user", id: "u", role: "supervisor", teamIds: ["a", "b"] })).toEqual([
      "board:team:a",
      "board:team:b",
      "board:teamless",
    ]);
    expect(boardRoomsFor({ type: "user", id: "u", role: "agent", teamIds: ["a"] })).toBeNull();
  });

  it("map a conversation event's inbox rooms to the board rooms that show it", () => {
    expect(boardRoomsOf(["scope:all", "team:a", "user:x"])).toEqual(["board:all", "board:team:a"]);
    expect(boardRoomsOf(["scope:all", "scope:teamless"])).toEqual(["board:all", "board:teamless"]);
  });
});
