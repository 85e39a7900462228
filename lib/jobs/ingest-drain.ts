import { systemActor } from "@/lib/auth/actor";
import { applyNextWebhookBatch, listenForIngestWakeUps, setLocalIngestLanes } from "@/lib/ingest";

/**
 * Worker lanes that apply stored webhooks. webhook_events is itself the queue: each lane claims the oldest
 * pending rows with SKIP LOCKED, so any number of lanes and worker processes share the work, and whatever
 * a crash left pending is simply picked up (no separate recovery sweep). Measured against a pg-boss job per
 * webhook, this saves three durable commits per event (send, fetch, complete); claiming a batch per
 * transaction saves all but one of the rest.
 */
type Drain = {
  stopping: boolean;
  waiters: Set<() => void>;
  lanes: Promise<void>[];
  /** Wake-ups so far: a lane that was busy when one came does not go to sleep on it. */
  wakes: number;
  unlisten: Promise<(() => Promise<void>) | null>;
};

// On globalThis so the webhook route (Next's module graph) wakes the lanes server.ts started.
const globalKey = Symbol.for("tandem.ingest.drain");
const store = globalThis as unknown as { [globalKey]?: Drain };

// The fallback when a wake-up is lost: webhooks stored here wake the lanes directly, elsewhere by NOTIFY.
const IDLE_POLL_MS = 250;
const ERROR_PAUSE_MS = 1_000;
// How long a lane lets webhooks gather after a partial batch (adds at most this to the lag).
const GATHER_MS = 10;
// Webhooks per transaction: at a trickle a lane takes what is there (often one), in a backlog a full batch.
const BATCH = 32;

export function startIngestDrain(lanes = 3, options: { idlePollMs?: number } = {}): void {
  const pollMs = options.idlePollMs ?? IDLE_POLL_MS;
  if (store[globalKey]) return;
  // Webhooks stored by web-only processes (no lanes of their own) arrive as NOTIFYs (lib/ingest/wake.ts).
  const unlisten = listenForIngestWakeUps(wakeIngestDrain).catch((error: Error) => {
    console.error(`[ingest] LISTEN failed, polling only: ${error.message}`);
    return null;
  });
  const drain: Drain = { stopping: false, waiters: new Set(), lanes: [], wakes: 0, unlisten };
  store[globalKey] = drain;
  setLocalIngestLanes(lanes);
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
          const wakes = drain.wakes;
          try {
            const batch = await applyNextWebhookBatch({ ctx, input: { limit: BATCH } });
            await effects;
            effects = send(batch.afterCommit);
            // A full batch means a backlog: straight on. A partial one, a live stream: let a few more
            // webhooks arrive first, since each transaction's fixed cost (claim, locks, commit) dominates
            // when it carries one or two of them.
            if (batch.claimed >= BATCH) continue;
            if (batch.applied.length > 0) {
              await sleep(GATHER_MS);
              continue;
            }
          } catch (error) {
            console.error(`[ingest] lane ${lane}: ${(error as Error).message}`);
            await idle(drain, ERROR_PAUSE_MS);
            continue;
          }
          await effects;
          // A webhook stored after this lane's claim looked: claim again instead of waiting for the poll.
          if (drain.wakes !== wakes) {
            await sleep(GATHER_MS);
            continue;
          }
          await idle(drain, pollMs);
        }
        await effects;
      })(),
    );
  }
}

/**
 * A webhook was just stored (here, or elsewhere and NOTIFYed): one sleeping lane starts on it now instead of
 * at its next poll; busy lanes see the count and claim again before sleeping.
 */
export function wakeIngestDrain(): void {
  const drain = store[globalKey];
  if (!drain) return;
  drain.wakes += 1;
  const [first] = drain.waiters;
  first?.();
}

/** Lets each lane finish the webhook it is applying, then stops (part of graceful shutdown). */
export async function stopIngestDrain(): Promise<void> {
  const drain = store[globalKey];
  if (!drain) return;
  drain.stopping = true;
  setLocalIngestLanes(0);
  for (const wake of [...drain.waiters]) wake();
  await (await drain.unlisten)?.().catch(() => {});
  await Promise.all(drain.lanes);
  delete store[globalKey];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function idle(drain: Drain, ms: number): Promise<void> {
  // A stop that came while the lane was applying a batch found no waiter to wake: don't sleep through it.
  if (drain.stopping) return Promise.resolve();
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
