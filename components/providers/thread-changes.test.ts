import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { messageDto as message } from "@/tests/support/message-dto";
import { flattenPages } from "@/components/inbox/thread-rows";
import { replaceChangedMessages } from "./thread-changes";

/** Pages as the thread holds them: newest page first, each page oldest first; `more`: older pages remain. */
const pages = (data: MessageDto[][], more = false): InfiniteData<Page<MessageDto>> => ({
  pages: data.map((d, i) => ({ data: d, next_cursor: i < data.length - 1 || more ? `cursor-${i}` : null })),
  pageParams: data.map((_, i) => (i === 0 ? null : `cursor-${i - 1}`)),
});

const out = (status: MessageDto["status"], id: string, at: string) =>
  message(id, at, { source: "agent", status });

describe("replaceChangedMessages", () => {
  const older = [out("sent", "o1", "2026-03-10T09:00:00Z"), out("sent", "o2", "2026-03-10T09:01:00Z")];
  const newest = [out("sent", "n1", "2026-03-10T10:00:00Z"), out("sent", "n2", "2026-03-10T10:01:00Z")];

  it("puts held rows in place on their page; other pages and rows keep their identity", () => {
    const data = pages([newest, older]);
    const read = out("read", "o2", "2026-03-10T09:01:00Z");
    const result = replaceChangedMessages(data, ["o2"], [read]);
    expect(result).toMatchObject({ newer: [], reload: false });
    expect(flattenPages(result.data).map((m) => [m.id, m.status])).toEqual([
      ["o1", "sent"],
      ["o2", "read"],
      ["n1", "sent"],
      ["n2", "sent"],
    ]);
    expect(result.data!.pages[0]).toBe(data.pages[0]);
    expect(result.data!.pages[1]!.data[0]).toBe(older[0]);
    expect(result.data!.pages[1]!.data[1]).toBe(read);
    expect(result.data!.pages[1]!.next_cursor).toBeNull();
    expect(result.data!.pageParams).toBe(data.pageParams);
  });

  it("returns the same object when nothing changed: equal rows, nothing held, nothing fetched", () => {
    const data = pages([newest, older], true);
    const same = { ...newest[1]! };
    expect(replaceChangedMessages(data, ["n2"], [same]).data).toBe(data);
    expect(replaceChangedMessages(data, [], []).data).toBe(data);
    // Named but not (or no longer) in this conversation and not shown: nothing to do.
    expect(replaceChangedMessages(data, ["elsewhere"], [])).toEqual({ data, newer: [], reload: false });
  });

  it("hands a message newer than the newest held (or as new) to the catch-up, changing nothing", () => {
    const data = pages([newest]);
    const later = out("delivered", "x", "2026-03-10T10:05:00Z");
    const sameSecond = out("delivered", "y", "2026-03-10T10:01:00Z");
    const result = replaceChangedMessages(data, ["x", "y", "n1"], [later, sameSecond, newest[0]!]);
    expect(result).toEqual({ data, newer: ["x", "y"], reload: false });
  });

  it("ignores a message older than the oldest loaded page while older pages remain (not on screen)", () => {
    const data = pages([newest, older], true);
    const ancient = out("read", "a", "2026-03-01T08:00:00Z");
    expect(replaceChangedMessages(data, ["a"], [ancient])).toEqual({ data, newer: [], reload: false });
  });

  it("reloads for a message the pages should hold but do not", () => {
    // Between held rows: the pages missed it.
    const between = out("read", "b", "2026-03-10T09:30:00Z");
    expect(replaceChangedMessages(pages([newest, older], true), ["b"], [between]).reload).toBe(true);
    // Older than everything held, but the whole thread is loaded: it should be on screen.
    const ancient = out("read", "a", "2026-03-01T08:00:00Z");
    expect(replaceChangedMessages(pages([newest, older]), ["a"], [ancient]).reload).toBe(true);
    // The same second as the oldest held row: it may sort either side of it.
    const tie = out("read", "t", "2026-03-10T09:00:00Z");
    expect(replaceChangedMessages(pages([newest, older], true), ["t"], [tie]).reload).toBe(true);
  });

  it("reloads when a held message no longer comes back, and still puts the others in place", () => {
    const data = pages([newest, older]);
    const read = out("read", "n1", "2026-03-10T10:00:00Z");
    const result = replaceChangedMessages(data, ["n1", "o1"], [read]);
    expect(result.reload).toBe(true);
    expect(flattenPages(result.data).find((m) => m.id === "n1")).toBe(read);
  });

  it("replaces a row everywhere it straddles two pages, and reloads with no pages to patch", () => {
    const data = pages([newest, [...older, newest[0]!]]);
    const read = out("read", "n1", "2026-03-10T10:00:00Z");
    const result = replaceChangedMessages(data, ["n1"], [read]);
    expect(result.data!.pages.flatMap((p) => p.data).filter((m) => m.id === "n1")).toEqual([read, read]);
    expect(replaceChangedMessages(undefined, ["n1"], [read])).toEqual({
      data: undefined,
      newer: [],
      reload: true,
    });
  });
});
