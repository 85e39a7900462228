/**
 * Admission for one kind of bulk request in a web process: at most `concurrency` handled at once, up to
 * `queueLimit` more waiting their turn (bodies unread, so TCP holds them back), and the rest shed at once.
 *
 * Why: Meta retries every webhook it could not deliver, so after an outage hundreds arrive together. Let in
 * all at once, they fill the event loop's queue, and every agent's request (a tab's catch-up after the
 * outage: ~15 awaited steps) waits behind them at each step: 3–10 s in the fault harness. A few in flight
 * keep the loop's queue short while still using the whole CPU, so webhooks drain at the same rate and
 * the agents' requests pass between them. Shed ones get a 503, which Meta retries later.
 */
export type Gate = {
  /** Runs `handle` now or when a place frees up; calls `shed` instead when the queue is full. */
  admit(handle: () => Promise<unknown> | unknown, shed: () => void): void;
  /** Starts waiting ones into places the concurrency now allows (call after it grew). */
  pump(): void;
  readonly active: number;
  readonly waiting: number;
};

/** `concurrency` may change over time (read at every admission and every freed place). */
export function createGate({
  concurrency,
  queueLimit,
}: {
  concurrency: number | (() => number);
  queueLimit: number;
}): Gate {
  const limit = typeof concurrency === "number" ? () => concurrency : concurrency;
  let active = 0;
  const queue: (() => void)[] = [];
  const pump = () => {
    while (active < limit() && queue.length > 0) queue.shift()!();
  };
  const run = (handle: () => Promise<unknown> | unknown) => {
    active += 1;
    const done = () => {
      active -= 1;
      pump();
    };
    // A handler that throws is the caller's to report; the place is freed either way.
    Promise.resolve().then(handle).then(done, done);
  };
  return {
    admit(handle, shed) {
      if (active < limit() && queue.length === 0) return run(handle);
      if (queue.length >= queueLimit) return shed();
      queue.push(() => run(handle));
    },
    pump,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
