/**
 * A refetch for one key: resolves `true` when it may have missed what prompted it (e.g. it joined a
 * fetch someone else started earlier), so one more run follows.
 */
export type Refetch = () => Promise<boolean | void>;

type Entry = { dirty: boolean; run: Refetch; gapMs: number; done: Promise<void> };

export type RequestOptions = {
  /**
   * Wait this long after a run settles before its follow-up: a key nudged many times a second then
   * fetches a few times a second, leaving the browser's connections to more urgent fetches (the open
   * thread). The first run still starts at once.
   */
  gapMs?: number;
};

/**
 * At most one refetch in flight per key. Requests while one runs only mark the key dirty, and exactly
 * one more run follows when it settles, so a burst of nudges costs two fetches and the last is never lost.
 */
export class RefetchCoalescer {
  readonly #keys = new Map<string, Entry>();
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: { sleep?: (ms: number) => Promise<void> } = {}) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when the key is idle again (every requested refetch has run). */
  request(key: string, run: Refetch, options: RequestOptions = {}): Promise<void> {
    const current = this.#keys.get(key);
    if (current) {
      current.dirty = true;
      current.run = run;
      current.gapMs = options.gapMs ?? 0;
      return current.done;
    }
    const entry: Entry = { dirty: false, run, gapMs: options.gapMs ?? 0, done: Promise.resolve() };
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
        // Let the event loop run (responses, input) before the next run; requests meanwhile join it.
        await this.#sleep(entry.gapMs);
      }
    } finally {
      this.#keys.delete(key);
    }
  }
}
