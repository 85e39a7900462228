import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { MESSAGE_IDS_LIMIT } from "@/lib/realtime/events";
import { flattenPages } from "@/components/inbox/thread-rows";
import { newestMessage, updateThreadPages } from "./thread-catch-up";

// The open thread's live path for rows that changed (a status tick, an edit or revoke, media that arrived,
// a reaction): the event names the messages, the tab re-reads just those (GET …/messages?ids=) and puts
// them in place, instead of refetching every loaded page. Receipts are most of the webhook traffic.

type Pages = InfiniteData<Page<MessageDto>>;

export type ChangedMessages = {
  data: Pages | undefined;
  /** Changed messages newer than everything held: new to this tab, a catch-up brings them. */
  newer: string[];
  /** Something the pages cannot be shown to hold: the thread must reload. */
  reload: boolean;
};

/**
 * The pages with the re-read rows `fetched` (the messages named by `requested` that the server returned)
 * in place of the held ones. A named message not held: newer than the newest held (or as new), it goes to
 * `newer`; older than the oldest held while older pages remain unloaded, it is not on screen and is
 * ignored; anywhere else the pages miss it and `reload` is set. A held message the server no longer
 * returns (deleted, moved by a merge) also sets `reload`. Pages and rows that did not change keep their
 * identity; the same object comes back when nothing changed.
 */
export function replaceChangedMessages(
  data: Pages | undefined,
  requested: Iterable<string>,
  fetched: MessageDto[],
): ChangedMessages {
  const newest = newestMessage(data);
  if (!data || !newest) return { data, newer: [], reload: true };
  const held = new Map(flattenPages(data).map((m) => [m.id, m]));
  const got = new Map(fetched.map((m) => [m.id, m]));
  const oldestPage = data.pages.at(-1)!;
  const oldest = oldestPage.data[0];
  const newer: string[] = [];
  let reload = false;
  const replacements = new Map<string, MessageDto>();
  for (const id of new Set(requested)) {
    const row = got.get(id);
    const mine = held.get(id);
    if (mine) {
      if (!row) reload = true;
      else if (!sameMessage(mine, row)) replacements.set(id, row);
      continue;
    }
    // Not in this conversation (any more) and not shown: nothing to put anywhere.
    if (!row) continue;
    const at = Date.parse(row.timestamp);
    if (at >= Date.parse(newest.timestamp)) newer.push(id);
    else if (!(oldestPage.next_cursor && oldest && at < Date.parse(oldest.timestamp))) reload = true;
  }
  if (replacements.size === 0) return { data, newer, reload };
  let changed = false;
  const pages = data.pages.map((page) => {
    if (!page.data.some((m) => replacements.has(m.id))) return page;
    changed = true;
    return { ...page, data: page.data.map((m) => replacements.get(m.id) ?? m) };
  });
  return { data: changed ? { ...data, pages } : data, newer, reload };
}

/**
 * Re-reads the named messages of an open thread and puts them in place. `reload` when the pages cannot be
 * shown current that way (a failed read, too many ids, see replaceChangedMessages); `newer` holds the
 * re-read rows the thread does not hold yet, for the caller to catch up and then put in place.
 */
export async function refreshChangedMessages(
  queryClient: QueryClient,
  conversationId: string,
  ids: ReadonlySet<string>,
): Promise<{ reload: boolean; newer: MessageDto[] }> {
  if (ids.size === 0) return { reload: false, newer: [] };
  // Changes piled up while a read was in flight: the tab fell behind, reload.
  if (ids.size > MESSAGE_IDS_LIMIT) return { reload: true, newer: [] };
  let page: Page<MessageDto>;
  try {
    page = await api<Page<MessageDto>>(
      `/api/v1/conversations/${conversationId}/messages?ids=${[...ids].join(",")}`,
    );
  } catch {
    return { reload: true, newer: [] };
  }
  const { reload, newer } = putChangedInPlace(queryClient, conversationId, ids, page.data);
  const newerIds = new Set(newer);
  return { reload, newer: page.data.filter((m) => newerIds.has(m.id)) };
}

/** replaceChangedMessages on the thread's cached pages (updateThreadPages); the outcome is the first one's. */
export function putChangedInPlace(
  queryClient: QueryClient,
  conversationId: string,
  requested: Iterable<string>,
  fetched: MessageDto[],
): Omit<ChangedMessages, "data"> {
  const ids = [...requested];
  let outcome: Omit<ChangedMessages, "data"> | undefined;
  updateThreadPages(queryClient, conversationId, (old) => {
    const result = replaceChangedMessages(old, ids, fetched);
    outcome ??= { reload: result.reload, newer: result.newer };
    return result.data;
  });
  return outcome ?? { reload: true, newer: [] };
}

/** Whether a re-read row shows anything different from the held one (same server shape, same key order). */
function sameMessage(a: MessageDto, b: MessageDto): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
