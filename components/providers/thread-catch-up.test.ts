import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { messageDto } from "@/tests/support/message-dto";
import { flattenPages } from "@/components/inbox/thread-rows";
import { announcedCovered, mergeNewMessages, newestMessage, SeqTracker } from "./thread-catch-up";

const message = messageDto;

/** Pages as the thread holds them: newest page first, each page oldest first. */
const pages = (...data: MessageDto[][]): InfiniteData<Page<MessageDto>> => ({
  pages: data.map((d, i) => ({ data: d, next_cursor: i < data.length - 1 ? `cursor-${i}` : null })),
  pageParams: data.map((_, i) => (i === 0 ? null : `cursor-${i - 1}`)),
});

const ids = (data: InfiniteData<Page<MessageDto>> | undefined) => flattenPages(data).map((m) => m.id);

describe("mergeNewMessages", () => {
  const older = [message("o1", "2026-03-10T09:00:00Z"), message("o2", "2026-03-10T09:01:00Z")];
  const newest = [message("n1", "2026-03-10T10:00:00Z"), message("n2", "2026-03-10T10:00:00Z")];

  it("appends new messages to the newest page and leaves older pages and cursors alone", () => {
    const data = pages(newest, older);
    const merged = mergeNewMessages(data, [
      message("a", "2026-03-10T10:00:00Z"),
      message("b", "2026-03-10T10:05:00Z"),
    ]);
    expect(ids(merged)).toEqual(["o1", "o2", "n1", "n2", "a", "b"]);
    expect(merged!.pages[1]).toBe(data.pages[1]);
    expect(merged!.pages[0]!.next_cursor).toBe("cursor-0");
    expect(merged!.pageParams).toBe(data.pageParams);
    expect(newestMessage(merged)?.id).toBe("b");
  });

  it("adds each message once, keeping the held copy (a refetch may have a newer state of it)", () => {
    const held = message("n2", "2026-03-10T10:00:00Z", { status: "read" });
    const data = pages([newest[0]!, held], older);
    const merged = mergeNewMessages(data, [
      message("o2", "2026-03-10T09:01:00Z"),
      message("n2", "2026-03-10T10:00:00Z", { status: "delivered" }),
      message("c", "2026-03-10T10:01:00Z"),
    ]);
    expect(ids(merged)).toEqual(["o1", "o2", "n1", "n2", "c"]);
    expect(flattenPages(merged).find((m) => m.id === "n2")?.status).toBe("read");
  });

  it("returns the same data when nothing is new, and nothing for no data", () => {
    const data = pages(newest);
    expect(mergeNewMessages(data, [newest[1]!])).toBe(data);
    expect(mergeNewMessages(data, [])).toBe(data);
    expect(mergeNewMessages(undefined, [newest[0]!])).toBeUndefined();
  });

  it("orders by timestamp; a shared second keeps held rows first, then the server's arrival order", () => {
    // The pages were replaced by a refetch meanwhile: a fetched row can sort before held ones.
    const data = pages([message("x", "2026-03-10T10:00:00Z"), message("z", "2026-03-10T10:02:00Z")]);
    const merged = mergeNewMessages(data, [
      message("y2", "2026-03-10T10:01:00Z"),
      message("y1", "2026-03-10T10:01:00.000Z"),
      message("x2", "2026-03-10T10:00:00Z"),
    ]);
    expect(ids(merged)).toEqual(["x", "x2", "y2", "y1", "z"]);
  });
});

describe("announcedCovered", () => {
  const held = pages([message("h1", "2026-03-10T10:00:00Z"), message("h2", "2026-03-10T10:01:00Z")]);

  it("is covered when each announced message was fetched now or is already held", () => {
    expect(announcedCovered(["f1", "h2"], [message("f1", "2026-03-10T10:02:00Z")], held)).toBe(true);
    expect(announcedCovered([], [], held)).toBe(true);
  });

  it("is not covered when an announced message came back from neither (it sorts before the anchor)", () => {
    expect(announcedCovered(["late"], [message("f1", "2026-03-10T10:02:00Z")], held)).toBe(false);
  });

  it("is not covered when the announced message is a held placeholder whose media arrived", () => {
    const placeholder = pages([message("p", "2026-03-10T10:00:00Z", { type: "media_placeholder" })]);
    expect(announcedCovered(["p"], [], placeholder)).toBe(false);
  });
});

describe("SeqTracker", () => {
  it("takes the first number it sees, then the next ones, per conversation", () => {
    const seqs = new SeqTracker();
    expect(seqs.observe("a", 41)).toBe("next");
    expect(seqs.observe("a", 42)).toBe("next");
    expect(seqs.observe("b", 7)).toBe("next");
    expect(seqs.observe("a", 43)).toBe("next");
  });

  it("calls a jump a gap, a repeat a repeat, and a late older number next", () => {
    const seqs = new SeqTracker();
    seqs.observe("a", 1);
    expect(seqs.observe("a", 3)).toBe("gap");
    expect(seqs.observe("a", 3)).toBe("repeat");
    // 2 was published after 3 (publishing follows the commit): handled as it comes, no new gap.
    expect(seqs.observe("a", 2)).toBe("next");
    expect(seqs.observe("a", 4)).toBe("next");
  });

  it("forgets everything on reset (after a reconnect the thread is refetched anyway)", () => {
    const seqs = new SeqTracker();
    seqs.observe("a", 1);
    seqs.reset();
    expect(seqs.observe("a", 9)).toBe("next");
    expect(seqs.observe("a", 1)).toBe("next");
  });
});
