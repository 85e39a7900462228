import type { InfiniteData, QueryClient, QueryKey } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { flattenPages } from "@/components/inbox/thread-rows";

// The open thread's live path: a new message is fetched on its own (GET …/messages?after=<newest held>)
// and merged into the thread's pages, instead of refetching every loaded page. Anything this cannot prove
// complete (a gap in the sequence, a message it was told about but did not get) reloads the thread.

type Pages = InfiniteData<Page<MessageDto>>;

/** At most this many new messages in one catch-up; more means the tab fell behind: reload instead. */
export const CATCH_UP_LIMIT = 50;

/** The newest message the thread holds: the newest page's last row (pages are newest first, rows oldest first). */
export function newestMessage(data: Pages | undefined): MessageDto | undefined {
  return data?.pages[0]?.data.at(-1);
}

/**
 * The pages with `incoming` (oldest first, in thread order) added to the newest page. A message already
 * held anywhere stays as held (a full refetch may have brought a newer state of it). The page is then
 * ordered by timestamp; rows sharing one keep their order, held rows before new ones, which is the
 * server's arrival order. Returns the same object when nothing is new.
 */
export function mergeNewMessages(data: Pages | undefined, incoming: MessageDto[]): Pages | undefined {
  if (!data || data.pages.length === 0 || incoming.length === 0) return data;
  const held = new Set(flattenPages(data).map((m) => m.id));
  const fresh = incoming.filter((m) => !held.has(m.id));
  if (fresh.length === 0) return data;
  const [newest, ...older] = data.pages;
  const rows = [...newest!.data, ...fresh]
    .map((message, index) => ({ message, index, at: Date.parse(message.timestamp) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((r) => r.message);
  return { ...data, pages: [{ ...newest!, data: rows }, ...older] };
}

/**
 * Whether every message the socket announced is shown as it now is: fetched by this catch-up, or already
 * held from an earlier fetch (which can only have seen it committed). Not covered: a message that sorts
 * before the anchor (late, or committed after a newer one), and a history placeholder whose media came
 * (its row changed in place).
 */
export function announcedCovered(
  announced: Iterable<string>,
  fetched: MessageDto[],
  heldBefore: Pages | undefined,
): boolean {
  const got = new Set(fetched.map((m) => m.id));
  const held = new Map(flattenPages(heldBefore).map((m) => [m.id, m]));
  for (const id of announced) {
    if (got.has(id)) continue;
    const row = held.get(id);
    if (!row || row.type === "media_placeholder") return false;
  }
  return true;
}

/**
 * Per-conversation `seq` of conversation.changed as this tab saw it. A repeat is skipped; a jump past the
 * next number means events were missed (another room, a dropped socket) and the thread must reload. An
 * older number that was not seen (publishing after commit can reorder two events) is handled normally.
 */
export class SeqTracker {
  readonly #last = new Map<string, number>();
  readonly #recent = new Map<string, Set<number>>();

  observe(conversationId: string, seq: number): "next" | "gap" | "repeat" {
    const recent = this.#recent.get(conversationId) ?? new Set<number>();
    if (recent.has(seq)) return "repeat";
    recent.add(seq);
    // A small memory per conversation (a long-open tab sees thousands): enough for a repeat soon after.
    if (recent.size > 16) recent.delete(recent.values().next().value!);
    this.#recent.set(conversationId, recent);
    const last = this.#last.get(conversationId);
    if (last === undefined || seq > last) this.#last.set(conversationId, seq);
    return last !== undefined && seq > last + 1 ? "gap" : "next";
  }

  /** After a reconnect everything is refetched: numbers seen before say nothing about what was missed. */
  reset(): void {
    this.#last.clear();
    this.#recent.clear();
  }
}

/** Whether the thread of this conversation is on screen with data to catch up from. */
export function threadIsOpen(queryClient: QueryClient, conversationId: string): boolean {
  const query = queryClient
    .getQueryCache()
    .find({ queryKey: queryKeys.messages(conversationId), exact: true });
  return Boolean(
    query && query.getObserversCount() > 0 && newestMessage(query.state.data as Pages | undefined),
  );
}

/**
 * Fetches the messages after the newest one held and merges them in. "reload" when the result cannot be
 * trusted to be complete: then the caller refetches the whole thread.
 */
export async function catchUpThread(
  queryClient: QueryClient,
  conversationId: string,
  announced: ReadonlySet<string>,
): Promise<"done" | "reload"> {
  const key = queryKeys.messages(conversationId);
  const before = queryClient.getQueryData<Pages>(key);
  const anchor = newestMessage(before);
  if (!anchor) return "reload";
  let page: Page<MessageDto>;
  try {
    page = await api<Page<MessageDto>>(
      `/api/v1/conversations/${conversationId}/messages?after=${anchor.id}&limit=${CATCH_UP_LIMIT}`,
    );
  } catch {
    // E.g. 422: the anchor is gone (retention, a pending bubble's id): the full refetch knows better.
    return "reload";
  }
  if (page.next_cursor) return "reload";
  updateThreadPages(queryClient, conversationId, (old) => mergeNewMessages(old, page.data));
  return announcedCovered(announced, page.data, before) ? "done" : "reload";
}

/**
 * Applies `update` to the thread's cached pages now, and again once a full refetch in flight lands: that
 * refetch may have read the thread before this change and replaces the pages, which would undo it until the
 * next nudge.
 */
export function updateThreadPages(
  queryClient: QueryClient,
  conversationId: string,
  update: (old: Pages | undefined) => Pages | undefined,
): void {
  const key = queryKeys.messages(conversationId);
  queryClient.setQueryData<Pages>(key, update);
  if (queryClient.isFetching({ queryKey: key, exact: true }) > 0)
    void whenIdle(queryClient, key).then(() => queryClient.setQueryData<Pages>(key, update));
}

/** Resolves once the query is not fetching (or is gone). */
function whenIdle(queryClient: QueryClient, queryKey: QueryKey): Promise<void> {
  const cache = queryClient.getQueryCache();
  return new Promise((resolve) => {
    let unsubscribe: (() => void) | undefined;
    const check = () => {
      const query = cache.find({ queryKey, exact: true });
      if (query && query.state.fetchStatus !== "idle") return false;
      unsubscribe?.();
      resolve();
      return true;
    };
    if (!check()) unsubscribe = cache.subscribe(check);
  });
}
