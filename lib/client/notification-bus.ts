import type { NotificationCreated } from "@/lib/realtime/events";

// The socket lives in LiveUpdates; the bell (sound, desktop notification) listens here.
const listeners = new Set<(event: NotificationCreated) => void>();

export function emitNotification(event: NotificationCreated): void {
  for (const listener of listeners) listener(event);
}

export function onNotification(listener: (event: NotificationCreated) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
