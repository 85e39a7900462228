// Load mode: POST signed webhooks at a rate/concurrency and report what was sent and what came back.
import { metaJson, signBody } from "./sign";

export type LoadOptions = {
  url: string;
  secret: string;
  /** Requests started per second across all workers; omit for "as fast as concurrency allows". */
  rate?: number;
  concurrency: number;
  durationMs?: number;
  count?: number;
  /** Body for request i: an object (serialised Meta-style) or exact bytes. */
  makeBody: (i: number) => unknown;
  timeoutMs?: number;
};

export type LoadReport = {
  sent: number;
  durationMs: number;
  achievedRate: number;
  statuses: Record<string, number>; // "200": n, "error": n (network error/timeout)
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  errors: string[];
};

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  if (opts.durationMs === undefined && opts.count === undefined)
    throw new Error("runLoad needs durationMs or count");
  const started = performance.now();
  const deadline = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  const max = opts.count ?? Infinity;
  const interval = opts.rate ? 1000 / opts.rate : 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;

  // Claims the next request index, waiting for its slot on the rate schedule.
  async function claim(): Promise<number | undefined> {
    if (next >= max) return undefined;
    const i = next++;
    if (interval) {
      const slot = started + i * interval;
      const wait = slot - performance.now();
      if (wait > 0) await sleep(wait);
    }
    return performance.now() < deadline ? i : undefined;
  }

  async function worker(): Promise<void> {
    for (let i = await claim(); i !== undefined; i = await claim()) {
      const made = opts.makeBody(i);
      const body = typeof made === "string" ? made : Buffer.isBuffer(made) ? made : metaJson(made);
      const t0 = performance.now();
      let key: string;
      try {
        const res = await fetch(opts.url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, opts.secret) },
          body: typeof body === "string" ? body : new Uint8Array(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
        await res.arrayBuffer();
        key = String(res.status);
      } catch (e) {
        key = "error";
        if (errors.length < 20) errors.push((e as Error).message);
      }
      latencies.push(performance.now() - t0);
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, () => worker()));
  const durationMs = performance.now() - started;
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
  return {
    sent: sorted.length,
    durationMs: round(durationMs),
    achievedRate: round((sorted.length / durationMs) * 1000),
    statuses,
    latencyMs: {
      p50: pct(50),
      p95: pct(95),
      p99: pct(99),
      max: round(sorted.at(-1) ?? 0),
      mean: round(sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1)),
    },
    errors,
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
