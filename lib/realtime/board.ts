import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";
import type { BoardChanged } from "./events";
import { rooms } from "./rooms";

// A busy workspace changes conversations many times a second; board tabs refetch at most this often.
export const BOARD_NUDGE_INTERVAL_MS = 500;

/**
 * The board rooms an actor may join: the same scope as the board itself (lib/board/get-board.ts), so
 * admins hear everything and supervisors their teams plus teamless conversations. Null: no board.
 */
export function boardRoomsFor(actor: Actor): string[] | null {
  if (actor.type !== "user" || !can(actor, "conversations:assign")) return null;
  if (actor.role === "admin") return [rooms.boardAll];
  return [...actor.teamIds.map((id) => rooms.boardTeam(id)), rooms.boardTeamless];
}

/** The board rooms that may see a conversation of this team (null: teamless). */
export function boardRoomsOfTeam(teamId: string | null): string[] {
  return [rooms.boardAll, teamId ? rooms.boardTeam(teamId) : rooms.boardTeamless];
}

/** The board rooms that care about a conversation event sent to these inbox rooms. */
export function boardRoomsOf(conversationRooms: string[]): string[] {
  const out: string[] = [rooms.boardAll];
  for (const room of conversationRooms) {
    if (room === rooms.teamless) out.push(rooms.boardTeamless);
    else if (room.startsWith("team:")) out.push(rooms.boardTeam(room.slice("team:".length)));
  }
  return out;
}

/**
 * Coalesces board nudges per room: the first goes out at once, later ones within the interval are folded
 * into one trailing nudge, so a room hears at most one `board.changed` per interval and never misses the last.
 */
export function createBoardNudger(
  emit: (room: string, event: BoardChanged) => void,
  intervalMs = BOARD_NUDGE_INTERVAL_MS,
  now: () => number = Date.now,
) {
  const lastSent = new Map<string, number>();
  const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; event: BoardChanged }>();
  const send = (room: string, event: BoardChanged) => {
    lastSent.set(room, now());
    emit(room, event);
  };
  return {
    nudge(targets: string[], event: BoardChanged) {
      for (const room of new Set(targets)) {
        const waiting = pending.get(room);
        if (waiting) {
          waiting.event = event;
          continue;
        }
        const since = now() - (lastSent.get(room) ?? -Infinity);
        if (since >= intervalMs) {
          send(room, event);
          continue;
        }
        const entry = {
          event,
          timer: setTimeout(() => {
            pending.delete(room);
            send(room, entry.event);
          }, intervalMs - since),
        };
        entry.timer.unref?.();
        pending.set(room, entry);
      }
      // Rooms quiet for a while need no memory.
      if (lastSent.size > 1_000)
        for (const [room, at] of lastSent) if (now() - at > intervalMs) lastSent.delete(room);
    },
    stop() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
