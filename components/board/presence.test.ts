import { describe, expect, it } from "vitest";
import type { BoardPresence } from "@/lib/board/schemas";
import { applyBoardPresence, viewingOf, type BoardPresenceMap } from "./presence";

const ana = (conversation: string, state: BoardPresence["state"], ttl = 30_000): BoardPresence => ({
  conversation_id: conversation,
  user_id: "ana",
  name: "Ana",
  contact_name: conversation === "c1" ? "Zoe" : "Bea",
  state,
  ttl_ms: ttl,
});

describe("board presence", () => {
  it("lists the threads an agent views, typists first, until they leave or lapse", () => {
    let map: BoardPresenceMap = new Map();
    map = applyBoardPresence(map, ana("c1", "viewing"), 0);
    map = applyBoardPresence(map, ana("c2", "viewing"), 0);
    expect(viewingOf(map, "ana", 1_000)).toEqual([
      { conversationId: "c2", contactName: "Bea", typing: false },
      { conversationId: "c1", contactName: "Zoe", typing: false },
    ]);

    map = applyBoardPresence(map, ana("c1", "typing", 5_000), 1_000);
    expect(viewingOf(map, "ana", 2_000).map((v) => [v.contactName, v.typing])).toEqual([
      ["Zoe", true],
      ["Bea", false],
    ]);
    // Typing lapses on its own ttl; viewing stays until its own.
    expect(viewingOf(map, "ana", 7_000).every((v) => !v.typing)).toBe(true);

    map = applyBoardPresence(map, ana("c2", "left", 0), 8_000);
    expect(viewingOf(map, "ana", 8_000).map((v) => v.conversationId)).toEqual(["c1"]);
    // No heartbeat for 30 s: gone, and dropped from the map on the next event.
    expect(viewingOf(map, "ana", 31_001)).toEqual([]);
    map = applyBoardPresence(map, { ...ana("c9", "viewing"), user_id: "bo" }, 31_001);
    expect(map.has("ana")).toBe(false);
    expect(viewingOf(map, "nobody", 0)).toEqual([]);
  });
});
