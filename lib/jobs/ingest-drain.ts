import { systemActor } from "@/lib/auth/actor";
import { applyNextWebhookEvent } from "@/lib/ingest";

/**
 * Worker lanes that apply stored webhooks. webhook_events is itself the queue: each lane claims the oldest
 * pending row with SKIP LOCKED, so any number of lanes and worker processes share the work, and whatever
 * a crash left pending is simply picked up (no separate recovery sweep). Measured against a pg-boss job per
 * webhook, this saves three durable commits per event (send, fetch, complete).
 */
type Drain = { stopping: boolean; waiters: Set<() => void>; lanes: Promise<void>[] };

// On globalThis so the webhook route (Next's module graph) wakes the lanes server.ts started.
const globalKey = Symbol.for("tandem.ingest.drain");
const store = globalThis as unknown as { [globalKey]?: Drain };

const IDLE_POLL_MS = 250;
const ERROR_PAUSE_MS = 1_000;

export function startIngestDrain(lanes = 6): void {
  if (store[globalKey]) return;
  const drain: Drain = { stopping: false, waiters: new Set(), lanes: [] };
  store[globalKey] = drain;
  const ctx = { actor: systemActor("ingest") };
  for (let lane = 0; lane < lanes; lane++) {
    drain.lanes.push(
      (async () => {
        while (!drain.stopping) {
          try {
            if (await applyNextWebhookEvent({ ctx })) continue;
          } catch (error) {
            console.error(`[ingest] lane ${lane}: ${(error as Error).message}`);
            await idle(drain, ERROR_PAUSE_MS);
            continue;
          }
          await idle(drain, IDLE_POLL_MS);
        }
      })(),
    );
  }
}

/** A webhook was just stored in this process: lanes here start on it now instead of at their next poll. */
export function wakeIngestDrain(): void {
  const drain = store[globalKey];
  if (!drain) return;
  for (const wake of drain.waiters) wake();
  drain.waiters.clear();
}

/** Lets each lane finish the webhook it is applying, then stops (part of graceful shutdown). */
export async function stopIngestDrain(): Promise<void> {
  const drain = store[globalKey];
  if (!drain) return;
  drain.stopping = true;
  wakeIngestDrain();
  await Promise.all(drain.lanes);
  delete store[globalKey];
}

function idle(drain: Drain, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      drain.waiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    drain.waiters.add(done);
  });
}
