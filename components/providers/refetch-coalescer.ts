/**
 * A refetch for one key: resolves `true` when it may have missed what prompted it (e.g. it joined a
 * fetch someone else started earlier), so one more run follows.
 */
export type Refetch = () => Promise<boolean | void>;

type Entry = { dirty: boolean; run: Refetch; done: Promise<void> };

/**
 * At most one refetch in flight per key. Requests while one runs only mark the key dirty, and exactly
 * one more run follows when it settles, so a burst of nudges costs two fetches and the last is never lost.
 */
export class RefetchCoalescer {
  readonly #keys = new Map<string, Entry>();

  /** Resolves when the key is idle again (every requested refetch has run). */
  request(key: string, run: Refetch): Promise<void> {
    const current = this.#keys.get(key);
    if (current) {
      current.dirty = true;
      current.run = run;
      return current.done;
    }
    const entry: Entry = { dirty: false, run, done: Promise.resolve() };
    this.#keys.set(key, entry);
    entry.done = this.#drain(key, entry);
    return entry.done;
  }

  /** Whether a refetch for the key is in flight. */
  running(key: string): boolean {
    return this.#keys.has(key);
  }

  async #drain(key: string, entry: Entry) {
    try {
      let followUp = false;
      for (;;) {
        entry.dirty = false;
        let again = false;
        try {
          again = (await entry.run()) === true;
        } catch {
          // The query cache keeps the error for the UI; the next nudge (or the dirty flag) retries.
        }
        // "Again" buys one follow-up, not a chain: a run that settles at once and keeps asking (it joined
        // a fetch that cannot finish while we spin) would otherwise starve the page in microtasks.
        again = again && !followUp;
        if (!entry.dirty && !again) return;
        followUp = !entry.dirty;
        // Let the event loop run (responses, input) before the next run.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      this.#keys.delete(key);
    }
  }
}
