import type { BoardPresence } from "@/lib/board/schemas";

// Who is viewing what, as the board hears it: each agent's open threads and whether they type in one. Every
// state lapses after the ttl the server sent (the agents' tabs repeat "view" every 10 s), so a closed
// laptop fades out by itself; "left" removes it at once.

type Entry = { contactName: string; viewingUntil: number; typingUntil: number };

/** Per agent (user id), per conversation id. */
export type BoardPresenceMap = ReadonlyMap<string, ReadonlyMap<string, Entry>>;

export type AgentViewing = { conversationId: string; contactName: string; typing: boolean };

/** The map after one presence event, with lapsed entries dropped (a new map: React state). */
export function applyBoardPresence(
  map: BoardPresenceMap,
  event: BoardPresence,
  now: number,
): BoardPresenceMap {
  const next = new Map<string, Map<string, Entry>>();
  for (const [userId, threads] of map) {
    const kept = new Map([...threads].filter(([, e]) => e.viewingUntil >= now));
    if (kept.size) next.set(userId, kept);
  }
  const threads = next.get(event.user_id) ?? new Map<string, Entry>();
  const current = threads.get(event.conversation_id);
  if (event.state === "left") threads.delete(event.conversation_id);
  else
    threads.set(event.conversation_id, {
      contactName: event.contact_name || current?.contactName || "a conversation",
      // Typing implies viewing.
      viewingUntil: Math.max(current?.viewingUntil ?? 0, now + event.ttl_ms),
      typingUntil: event.state === "typing" ? now + event.ttl_ms : (current?.typingUntil ?? 0),
    });
  if (threads.size) next.set(event.user_id, threads);
  else next.delete(event.user_id);
  return next;
}

/** What one agent views at `now`: threads they type in first, then by contact name. */
export function viewingOf(map: BoardPresenceMap, userId: string, now: number): AgentViewing[] {
  return [...(map.get(userId) ?? [])]
    .filter(([, e]) => e.viewingUntil >= now)
    .map(([conversationId, e]) => ({
      conversationId,
      contactName: e.contactName,
      typing: e.typingUntil >= now,
    }))
    .sort((a, b) => Number(b.typing) - Number(a.typing) || a.contactName.localeCompare(b.contactName));
}
