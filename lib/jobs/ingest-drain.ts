import { systemActor } from "@/lib/auth/actor";
import { applyNextWebhookBatch } from "@/lib/ingest";

/**
 * Worker lanes that apply stored webhooks. webhook_events is itself the queue: each lane claims the oldest
 * pending rows with SKIP LOCKED, so any number of lanes and worker processes share the work, and whatever
 * a crash left pending is simply picked up (no separate recovery sweep). Measured against a pg-boss job per
 * webhook, this saves three durable commits per event (send, fetch, complete); claiming a batch per
 * transaction saves all but one of the rest.
 */
type Drain = { stopping: boolean; waiters: Set<() => void>; lanes: Promise<void>[] };

// On globalThis so the webhook route (Next's module graph) wakes the lanes server.ts started.
const globalKey = Symbol.for("tandem.ingest.drain");
const store = globalThis as unknown as { [globalKey]?: Drain };

const IDLE_POLL_MS = 250;
const ERROR_PAUSE_MS = 1_000;
// Webhooks per transaction: at a trickle a lane takes what is there (often one), in a backlog a full batch.
const BATCH = 32;

export function startIngestDrain(lanes = 3): void {
  if (store[globalKey]) return;
  const drain: Drain = { stopping: false, waiters: new Set(), lanes: [] };
  store[globalKey] = drain;
  const ctx = { actor: systemActor("ingest") };
  for (let lane = 0; lane < lanes; lane++) {
    drain.lanes.push(
      (async () => {
        // The previous batch's publications and jobs, sent while this lane applies the next batch (one
        // batch's worth at most in flight, in order).
        let effects: Promise<void> = Promise.resolve();
        const send = (afterCommit: () => Promise<void>) =>
          afterCommit().catch((error: Error) =>
            console.error(`[ingest] lane ${lane} after commit: ${error.message}`),
          );
        while (!drain.stopping) {
          try {
            const batch = await applyNextWebhookBatch({ ctx, input: { limit: BATCH } });
            await effects;
            effects = send(batch.afterCommit);
            if (batch.applied.length > 0) continue;
          } catch (error) {
            console.error(`[ingest] lane ${lane}: ${(error as Error).message}`);
            await idle(drain, ERROR_PAUSE_MS);
            continue;
          }
          await effects;
          await idle(drain, IDLE_POLL_MS);
        }
        await effects;
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
