import { describe, expect, it } from "vitest";
import type { MessageDto } from "@/lib/conversations/schemas";
import { messageDto } from "@/tests/support/message-dto";
import { flattenPages, threadRows } from "./thread-rows";
import { mergeTimeline } from "./timeline";

const message = (id: string, timestamp: string, source: MessageDto["source"] = "customer") =>
  messageDto(id, timestamp, { source });

const now = new Date("2026-03-10T12:00:00Z");

describe("threadRows", () => {
  const shape = (rows: ReturnType<typeof threadRows>) =>
    rows.map((r) => [r.key, r.before.map((d) => d.kind), r.after.map((d) => d.kind), r.start]);

  it("marks each new day and each run of imported messages, below the row before it", () => {
    const items = mergeTimeline(
      [
        message("h1", "2026-03-01T10:00:00Z", "history"),
        message("h2", "2026-03-01T11:00:00Z", "history"),
        message("c1", "2026-03-10T09:00:00Z"),
        message("h3", "2026-03-10T09:30:00Z", "history"),
      ],
      [],
    );
    const rows = threadRows(items, { hasOlder: false, now });
    expect(shape(rows)).toEqual([
      ["h1", ["day", "history"], [], true],
      ["h2", [], ["day"], false],
      ["c1", [], ["history"], false],
      ["h3", [], [], false],
    ]);
    expect(rows[1]!.after).toEqual([{ kind: "day", label: "Today" }]);
  });

  it("leaves the rows already shown unchanged when an older page is prepended", () => {
    const newer = [message("m3", "2026-03-10T10:00:00Z"), message("m4", "2026-03-10T11:00:00Z")];
    const before = threadRows(mergeTimeline(newer, []), { hasOlder: true, now });
    expect(before[0]).toMatchObject({ key: "m3", before: [], start: false });
    // The older page ends on another day: its last row carries the divider, not m3.
    const after = threadRows(mergeTimeline([message("m1", "2026-03-09T08:00:00Z"), ...newer], []), {
      hasOlder: false,
      now,
    });
    expect(after.map((r) => r.key)).toEqual(["m1", "m3", "m4"]);
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({ start: true, after: [{ kind: "day", label: "Today" }] });
    expect(after[0]!.before).toEqual([{ kind: "day", label: "Yesterday" }]);
  });
});

describe("flattenPages", () => {
  it("reads newest-first pages oldest first and drops a message that straddles two pages", () => {
    const pages = [
      {
        data: [message("m3", "2026-03-10T10:00:00Z"), message("m4", "2026-03-10T11:00:00Z")],
        next_cursor: "x",
      },
      {
        data: [message("m2", "2026-03-10T09:00:00Z"), message("m3", "2026-03-10T10:00:00Z")],
        next_cursor: null,
      },
    ];
    expect(flattenPages({ pages, pageParams: [null, "x"] }).map((m) => m.id)).toEqual(["m2", "m3", "m4"]);
  });
});
