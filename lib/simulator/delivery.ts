// Signed, at-least-once webhook delivery with retries, plus the faults the app must survive:
// duplicates, reordering, batching and delay (PROTOCOL.md §1.2, §1.3).
import type { Envelope } from "./payloads";
import { batch } from "./payloads";
import { metaJson, signBody } from "./sign";

export type DeliveryAttempt = {
  attempt: number;
  at: number;
  status: number; // 0 = network error or timeout
  error?: string;
  durationMs: number;
};

export type Delivery = {
  id: number;
  url: string;
  fields: string[];
  body: string;
  signature: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  createdAt: number;
  duplicateOf?: number;
};

export type DeliverySettings = {
  /** Queue webhooks instead of sending until flush() (for reorder/batch tests). */
  hold: boolean;
  /** Extra copies of every webhook (at-least-once). */
  duplicate: number;
  /** Added before the first attempt of every webhook. */
  delayMs: number;
};

export type DelivererOptions = {
  secret: string;
  resolveUrl: (env: Envelope) => string;
  retrySchedule: number[];
  timeoutMs: number;
  escapeSlashes: boolean;
  log: (line: string) => void;
};

export class Deliverer {
  readonly deliveries: Delivery[] = [];
  settings: DeliverySettings = { hold: false, duplicate: 0, delayMs: 0 };
  private held: Envelope[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private nextId = 1;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly opts: DelivererOptions) {}

  /** Sends (or holds) one envelope; returns the ids of the deliveries created. */
  send(env: Envelope, opts: { delayMs?: number; duplicate?: number } = {}): number[] {
    if (this.settings.hold) {
      this.held.push(env);
      return [];
    }
    const copies = 1 + (opts.duplicate ?? this.settings.duplicate);
    const delay = (opts.delayMs ?? 0) + this.settings.delayMs;
    const ids: number[] = [];
    let first: number | undefined;
    for (let i = 0; i < copies; i++) {
      const d = this.create(env, first);
      first ??= d.id;
      ids.push(d.id);
      this.schedule(d, delay + i * 5);
    }
    return ids;
  }

  heldCount(): number {
    return this.held.length;
  }

  /** Releases held webhooks: in order, reversed or shuffled, one POST each or batched. */
  flush(
    opts: { order?: "fifo" | "reverse" | "shuffle"; batch?: "none" | "changes" | "entries" } = {},
  ): number[] {
    let envs = this.held;
    this.held = [];
    if (opts.order === "reverse") envs = [...envs].reverse();
    if (opts.order === "shuffle") envs = shuffle(envs);
    const hold = this.settings.hold;
    this.settings.hold = false;
    try {
      if (opts.batch && opts.batch !== "none" && envs.length) return this.send(batch(envs, opts.batch));
      return envs.flatMap((e) => this.send(e));
    } finally {
      this.settings.hold = hold;
    }
  }

  /** Resolves when nothing is in flight or scheduled (retries included). */
  idle(): Promise<void> {
    if (this.busy() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  busy(): number {
    return this.inFlight + this.timers.size;
  }

  /** Timers that are not webhook deliveries (status steps, template review) count as busy too. */
  later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        fn();
      } finally {
        this.checkIdle();
      }
    }, ms);
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held = [];
    this.deliveries.length = 0;
    this.settings = { hold: false, duplicate: 0, delayMs: 0 };
    this.checkIdle();
  }

  private create(env: Envelope, duplicateOf?: number): Delivery {
    const body = metaJson(env, { escapeSlashes: this.opts.escapeSlashes });
    const d: Delivery = {
      id: this.nextId++,
      url: this.opts.resolveUrl(env),
      fields: [...new Set(env.entry.flatMap((e) => e.changes.map((c) => c.field)))],
      body,
      signature: signBody(body, this.opts.secret),
      state: "pending",
      attempts: [],
      createdAt: Date.now(),
    };
    if (duplicateOf !== undefined) d.duplicateOf = duplicateOf;
    this.deliveries.push(d);
    if (this.deliveries.length > 20_000) this.deliveries.splice(0, 5_000);
    return d;
  }

  private schedule(d: Delivery, ms: number): void {
    this.later(ms, () => void this.attempt(d));
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.stopped) return;
    this.inFlight++;
    const started = Date.now();
    let status = 0;
    let error: string | undefined;
    try {
      const res = await fetch(d.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": d.signature,
          "user-agent": "facebookexternalua",
        },
        body: d.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error =
        e instanceof Error
          ? e.name === "TimeoutError"
            ? "timeout"
            : ((e.cause as Error | undefined)?.message ?? e.message)
          : String(e);
    } finally {
      this.inFlight--;
    }
    const attempt: DeliveryAttempt = {
      attempt: d.attempts.length + 1,
      at: started,
      status,
      durationMs: Date.now() - started,
    };
    if (error) attempt.error = error;
    d.attempts.push(attempt);
    // Meta treats anything but 200 as failure (§1.3); we accept any 2xx.
    if (status >= 200 && status < 300) {
      d.state = "delivered";
    } else {
      const wait = this.opts.retrySchedule[d.attempts.length - 1];
      this.opts.log(`webhook #${d.id} ${d.fields.join(",")} attempt ${attempt.attempt}: ${status || error}`);
      if (wait === undefined || this.stopped) d.state = "failed";
      else this.schedule(d, wait);
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.busy() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
