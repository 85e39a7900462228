import { getSql } from "@/lib/db/client";

/** Postgres channel that wakes ingest lanes in other processes when a webhook is stored (payload empty). */
export const INGEST_CHANNEL = "tandem_ingest";

type Waker = { localLanes: number; inFlight: boolean; again: boolean };

// On globalThis, like the drain itself: the webhook route (Next's module graph) and server.ts share it.
const globalKey = Symbol.for("tandem.ingest.wake");
const store = globalThis as unknown as { [globalKey]?: Waker };
const waker = (): Waker => (store[globalKey] ??= { localLanes: 0, inFlight: false, again: false });

/** The drain registers its lanes, so a process that applies its own webhooks sends no NOTIFY. */
export function setLocalIngestLanes(count: number): void {
  waker().localLanes = count;
}

/**
 * A webhook was stored (committed). Lanes in this process are woken by the route; lanes elsewhere (a web-only
 * process has none) are woken with a NOTIFY. At most one NOTIFY is in flight: webhooks stored meanwhile are
 * covered by one more sent after it, as it is sent after their commit. Never throws: the lanes' poll is the
 * fallback for a lost wake-up.
 */
export function nudgeIngestLanes(): void {
  const state = waker();
  if (state.localLanes > 0) return;
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  void getSql("receive")
    .notify(INGEST_CHANNEL, "")
    .catch((error: Error) => console.error(`[ingest] wake-up NOTIFY failed: ${error.message}`))
    .finally(() => {
      state.inFlight = false;
      if (state.again) {
        state.again = false;
        nudgeIngestLanes();
      }
    });
}

/** Calls `onWake` whenever another process stored a webhook; resolves to a function that stops listening. */
export async function listenForIngestWakeUps(onWake: () => void): Promise<() => Promise<void>> {
  const { unlisten } = await getSql().listen(INGEST_CHANNEL, () => onWake());
  return unlisten;
}
