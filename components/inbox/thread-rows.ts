import type { InfiniteData } from "@tanstack/react-query";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { dayLabel } from "@/lib/utils/format";
import type { TimelineItem } from "./timeline";

// The thread is one virtualized column with one row per message or event. Dividers (day, "imported")
// belong to a row, so every row key is a message or event id: when an older page is prepended the
// virtualizer finds the row being read by its key and keeps it in place. A divider hangs below the row
// before it, so a prepended page adds the divider to its own last row and no row on screen changes size.

export type Divider = { kind: "day"; label: string } | { kind: "history" };

export type ThreadRow = {
  key: string;
  item: TimelineItem;
  /** Above the row: only on the very first row of the conversation (nothing older is left to load). */
  before: Divider[];
  /** Below the row: the next row starts a new day or a run of imported messages. */
  after: Divider[];
  /** The very first row of the conversation. */
  start: boolean;
};

export const HISTORY_DIVIDER = "Imported from WhatsApp Business app";

export function threadRows(
  items: TimelineItem[],
  options: { hasOlder: boolean; now?: Date } = { hasOlder: false },
): ThreadRow[] {
  const rows: ThreadRow[] = [];
  let lastDay: string | null = null;
  let inHistory = false;
  // One label per calendar day: dayLabel builds a date formatter per call, and a page holds 50 rows.
  const labels = new Map<string, string>();
  items.forEach((item, index) => {
    const calendarDay = new Date(item.at).toDateString();
    let day = labels.get(calendarDay);
    if (day === undefined) {
      day = dayLabel(item.at, options.now);
      labels.set(calendarDay, day);
    }
    const isHistory = item.kind === "message" && item.message.source === "history";
    const dividers: Divider[] = [];
    if (day !== lastDay) dividers.push({ kind: "day", label: day });
    // Timeline events between imported messages do not end the imported run.
    if (isHistory && !inHistory) dividers.push({ kind: "history" });
    const previous = rows[index - 1];
    const first = index === 0;
    // The first loaded row: whether its day or imported run began earlier is unknown while older pages
    // remain, so its dividers wait for the page that holds the row before it.
    if (previous) previous.after = dividers;
    rows.push({
      key: item.kind === "message" ? item.message.id : `e:${item.event.id}`,
      item,
      before: first && !options.hasOlder ? dividers : [],
      after: [],
      start: first && !options.hasOlder,
    });
    lastDay = day;
    if (item.kind === "message") inHistory = isHistory;
  });
  return rows;
}

/** The loaded pages (newest page first, each oldest first) as one list, oldest first, without repeats. */
export function flattenPages(data: InfiniteData<Page<MessageDto>> | undefined): MessageDto[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: MessageDto[] = [];
  for (let p = data.pages.length - 1; p >= 0; p--) {
    for (const message of data.pages[p]!.data) {
      // A message can straddle two pages when new rows arrive between page fetches.
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      out.push(message);
    }
  }
  return out;
}

/** Replaces one message wherever it sits in the loaded pages (a retried send goes back to queued). */
export function replaceMessage(
  data: InfiniteData<Page<MessageDto>> | undefined,
  updated: MessageDto,
): InfiniteData<Page<MessageDto>> | undefined {
  if (!data) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      data: page.data.map((m) => (m.id === updated.id ? updated : m)),
    })),
  };
}
