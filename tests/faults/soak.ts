// `--soak MINUTES` (BENCHMARKS.md R19): no faults, steady traffic, and every 10 s a sample of each process's
// RSS, the size of the tables that must stay bounded, and the webhook ack p99 of the interval. The verdict
// compares the run's thirds; the samples go to a CSV next to the process logs.
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import { JOBS_MAINTENANCE_INTERVAL_SECONDS } from "@/lib/jobs/boss";
import type { Check } from "./ledger";

export type SoakSample = {
  /** Seconds since the load started. */
  t: number;
  rssMb: Record<string, number | null>;
  webhookEvents: { rows: number; bytes: number };
  messages: { rows: number; bytes: number };
  jobs: { rows: number; bytes: number };
  archive: { rows: number; bytes: number };
  /** Jobs created in the 10 s before the sample (they are all still in the job table then). */
  jobsNew: number;
  acks: number;
  ackP99Ms: number | null;
  reads: number;
  readP99Ms: number | null;
  readFailures: number;
};

export type SoakSampler = {
  samples: SoakSample[];
  /** Each webhook's ack latency, in the interval it was acknowledged in. */
  onAck: (ms: number) => void;
  latencies: number[][];
  stop: () => Promise<void>;
};

export const SOAK_INTERVAL_MS = 10_000;
// pg-boss's maintenance (archive and delete run then) as lib/jobs/boss.ts sets it.
const PGBOSS_MAINTENANCE_SECONDS = JOBS_MAINTENANCE_INTERVAL_SECONDS;

/** VmRSS of a live process in MB, from /proc (null once it is gone). */
export function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

const p99 = (values: number[]): number | null => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
};

/**
 * Samples until stopped. pg-boss 10's job table is partitioned by queue: its size is its partitions'. `pids` is read at each tick (a process could be restarted by the crash watch).
 * Row counts are exact for the tables that must stay bounded; messages (which grow by design) use the
 * statistics' live-tuple count, so the sampler's own load does not grow with the run.
 */
export function startSoakSampler(opts: {
  pids: () => Record<string, number | undefined>;
  sql: () => postgres.Sql;
  csvPath: string;
  reads: { latencies: number[]; failures: number };
}): SoakSampler {
  const samples: SoakSample[] = [];
  const latencies: number[][] = [];
  let current: number[] = [];
  let stopped = false;
  const started = Date.now();
  const names = Object.keys(opts.pids());
  fs.writeFileSync(
    opts.csvPath,
    `${[
      "t_s",
      ...names.map((n) => `rss_mb_${n}`),
      "webhook_events_rows",
      "webhook_events_bytes",
      "messages_rows",
      "messages_bytes",
      "pgboss_job_rows",
      "pgboss_job_bytes",
      "pgboss_archive_rows",
      "pgboss_archive_bytes",
      "pgboss_jobs_created_10s",
      "acks",
      "ack_p99_ms",
      "reads",
      "read_p99_ms",
      "read_failures",
    ].join(",")}\n`,
  );
  const take = async () => {
    const pids = opts.pids();
    const rss = Object.fromEntries(names.map((n) => [n, rssMb(pids[n])]));
    const acks = current;
    current = [];
    latencies.push(acks);
    const reads = opts.reads.latencies.splice(0);
    const readFailures = opts.reads.failures;
    opts.reads.failures = 0;
    const [row] = await opts.sql()<
      {
        we_rows: number;
        we_bytes: string;
        msg_rows: string;
        msg_bytes: string;
        job_rows: number;
        job_bytes: string;
        arc_rows: number;
        arc_bytes: string;
        jobs_new: number;
      }[]
    >`
      select (select count(*)::int from webhook_events) as we_rows,
        pg_total_relation_size('webhook_events') as we_bytes,
        (select n_live_tup from pg_stat_user_tables where schemaname = 'public' and relname = 'messages') as msg_rows,
        pg_total_relation_size('messages') as msg_bytes,
        (select count(*)::int from pgboss.job) as job_rows,
        (select coalesce(sum(pg_total_relation_size(inhrelid)), 0) from pg_inherits
          where inhparent = 'pgboss.job'::regclass) as job_bytes,
        (select count(*)::int from pgboss.archive) as arc_rows,
        pg_total_relation_size('pgboss.archive') as arc_bytes,
        (select count(*)::int from pgboss.job where created_on > now() - interval '10 seconds') as jobs_new`.catch(
      () => [undefined],
    );
    const sample: SoakSample = {
      t: (Date.now() - started) / 1000,
      rssMb: rss,
      webhookEvents: { rows: Number(row?.we_rows ?? NaN), bytes: Number(row?.we_bytes ?? NaN) },
      messages: { rows: Number(row?.msg_rows ?? NaN), bytes: Number(row?.msg_bytes ?? NaN) },
      jobs: { rows: Number(row?.job_rows ?? NaN), bytes: Number(row?.job_bytes ?? NaN) },
      archive: { rows: Number(row?.arc_rows ?? NaN), bytes: Number(row?.arc_bytes ?? NaN) },
      jobsNew: Number(row?.jobs_new ?? NaN),
      acks: acks.length,
      ackP99Ms: p99(acks),
      reads: reads.length,
      readP99Ms: p99(reads),
      readFailures,
    };
    samples.push(sample);
    const cell = (v: number | null) => (v === null || Number.isNaN(v) ? "" : String(Math.round(v * 10) / 10));
    fs.appendFileSync(
      opts.csvPath,
      `${[
        cell(sample.t),
        ...names.map((n) => cell(rss[n] ?? null)),
        ...[sample.webhookEvents, sample.messages, sample.jobs, sample.archive].flatMap((x) => [
          cell(x.rows),
          cell(x.bytes),
        ]),
        cell(sample.jobsNew),
        cell(sample.acks),
        cell(sample.ackP99Ms),
        cell(sample.reads),
        cell(sample.readP99Ms),
        cell(sample.readFailures),
      ].join(",")}\n`,
    );
    return sample;
  };
  const loop = (async () => {
    for (let next = started + SOAK_INTERVAL_MS; !stopped; next += SOAK_INTERVAL_MS) {
      await sleep(Math.max(0, next - Date.now()));
      if (stopped) break;
      await take();
    }
  })();
  return {
    samples,
    latencies,
    onAck: (ms) => current.push(ms),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Agent-like reads through the balancer: the conversation list, then one thread, about once a second. */
export async function runReadLoad(opts: {
  url: string;
  apiKey: string;
  conversationIds: string[];
  perSecond: number;
  until: () => boolean;
  record: { latencies: number[]; failures: number };
}): Promise<number> {
  let done = 0;
  const get = async (path: string) => {
    const at = performance.now();
    const res = await fetch(`${opts.url}${path}`, {
      headers: { authorization: `Bearer ${opts.apiKey}` },
      signal: AbortSignal.timeout(20_000),
    }).catch(() => null);
    await res?.arrayBuffer().catch(() => {});
    if (res?.ok) opts.record.latencies.push(performance.now() - at);
    else opts.record.failures += 1;
  };
  for (let i = 0; !opts.until(); i++) {
    const started = performance.now();
    await get("/api/v1/conversations?limit=50");
    const id = opts.conversationIds[i % opts.conversationIds.length];
    if (id) await get(`/api/v1/conversations/${id}/messages?limit=50`);
    done += 1;
    await sleep(Math.max(0, 1000 / opts.perSecond - (performance.now() - started)));
  }
  return done;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export const RSS_FLOOR_WINDOWS = 4;

/**
 * The lowest RSS of each of `windows` equal spans of time, at the span's middle. A process's RSS is a sawtooth
 * (heap grows to a collection, then drops): a straight line through every sample follows the phase of the
 * last teeth, while the floor after collections rises only when something is kept.
 */
export function rssFloor(points: [number, number][], windows = RSS_FLOOR_WINDOWS): [number, number][] {
  const from = points[0]?.[0] ?? 0;
  const span = (points.at(-1)?.[0] ?? 0) - from;
  if (span <= 0) return [];
  const lowest: (number | undefined)[] = Array(windows).fill(undefined);
  for (const [x, y] of points) {
    const w = Math.min(windows - 1, Math.floor(((x - from) / span) * windows));
    lowest[w] = Math.min(lowest[w] ?? Infinity, y);
  }
  return lowest.flatMap((y, w) => (y === undefined ? [] : [[from + (span * (w + 0.5)) / windows, y]]));
}

const maxOf = (values: number[]) => values.reduce((a, v) => (Number.isFinite(v) ? Math.max(a, v) : a), 0);

/**
 * R19's verdict over the samples. Memory: after a warm-up of the first 20 % of the run, the regression slope
 * of each process's RSS floor (rssFloor), in % of its warm-up RSS per hour (≤ 10 %/h). Tables: webhook_events
 * and pg-boss's job + archive are bounded when the last third's largest row count is at most 20 % above the middle third's,
 * or under twice what retention allows: for webhook_events rate × (retention + purge period), for jobs the
 * measured creation rate × (archive-after + delete-after + two maintenance periods, which act only then). Ack p99, over
 * thirds of the time after the warm-up: the last third's at most 2 × the first third's + 50 ms.
 */
export function soakVerdict(opts: {
  sampler: SoakSampler;
  webhookRate: number;
  retentionSeconds: number;
  purgeEverySeconds: number;
  /** pg-boss's archive-after and delete-after, in seconds. */
  jobArchiveSeconds: number;
  jobDeleteSeconds: number;
}): { checks: Check[]; lines: string[] } {
  const { samples, latencies } = opts.sampler;
  const lines: string[] = [];
  const checks: Check[] = [];
  const end = samples.at(-1)?.t ?? 0;
  const warm = samples.filter((s) => s.t <= end * 0.2);
  const after = samples.filter((s) => s.t > end * 0.2);
  const names = Object.keys(samples[0]?.rssMb ?? {});
  const growth: string[] = [];
  let memoryOk = after.length >= 3;
  for (const name of names) {
    const base = warm.map((s) => s.rssMb[name]).filter((v): v is number => v !== null);
    const baseline = base.length ? base.reduce((a, v) => a + v, 0) / base.length : NaN;
    const points = after
      .filter((s) => s.rssMb[name] !== null)
      .map((s): [number, number] => [s.t / 3600, s.rssMb[name]!]);
    const floors = rssFloor(points);
    const perHour = floors.length >= 3 ? (slope(floors) / baseline) * 100 : NaN;
    const allSamplesPerHour = (slope(points) / baseline) * 100;
    // The app processes carry the verdict; the harness's own helpers are shown for context.
    const judged = /^(web|worker)\d/.test(name);
    if (judged) memoryOk &&= Number.isFinite(perHour) && perHour <= 10;
    growth.push(
      `${name} floor ${percentPerHour(perHour)} (warm-up ${baseline.toFixed(0)} MB; floors ${floors.map(([, mb]) => mb.toFixed(0)).join(" ")} MB; all samples ${percentPerHour(allSamplesPerHour)})${judged ? "" : " [not judged]"}`,
    );
  }
  lines.push(`memory          ${growth.join("; ")}`);
  checks.push({
    name: "no memory growth over 10 %/h after warm-up, per app process (R19)",
    ok: memoryOk,
    detail: `slope of the RSS floor (lowest sample in each of ${RSS_FLOOR_WINDOWS} spans after the first 20 % of the run), in % of the warm-up mean per hour (${warm.length} warm-up samples, ${after.length} after)`,
  });

  const third = (i: number) => samples.filter((s) => s.t > (end * i) / 3 && s.t <= (end * (i + 1)) / 3);
  const [t1, t2, t3] = [third(0), third(1), third(2)];
  const table = (
    label: string,
    rows: (s: SoakSample) => number,
    bytes: (s: SoakSample) => number,
    cap: number | null,
    capWhy = "",
  ): Check => {
    const mid = maxOf(t2.map(rows));
    const last = maxOf(t3.map(rows));
    const peak = maxOf(samples.map(rows));
    const plateau = t3.length > 0 && last <= mid * 1.2;
    const underCap = cap !== null && peak <= cap;
    const mb = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MB`;
    lines.push(
      `${label.padEnd(15)} rows max per third ${maxOf(t1.map(rows))} / ${mid} / ${last}${cap !== null ? ` (cap ${Math.round(cap)})` : ""}; size ${mb(maxOf(t1.map(bytes)))} / ${mb(maxOf(t2.map(bytes)))} / ${mb(maxOf(t3.map(bytes)))}`,
    );
    return {
      name: `${label} bounded (R19)`,
      ok: plateau || underCap,
      detail: `last third's max ${last} rows vs middle third's ${mid} (${plateau ? "within" : "over"} +20 %)${cap !== null ? `; peak ${peak} ${underCap ? "≤" : ">"} ${Math.round(cap)} = ${capWhy}` : ""}`,
    };
  };
  checks.push(
    table(
      "webhook_events",
      (s) => s.webhookEvents.rows,
      (s) => s.webhookEvents.bytes,
      2 * opts.webhookRate * (opts.retentionSeconds + opts.purgeEverySeconds),
      "2 × rate × (retention + purge period)",
    ),
  );
  const newJobs = samples.map((s) => s.jobsNew).filter(Number.isFinite);
  const jobRate =
    newJobs.reduce((a, v) => a + v, 0) / Math.max(1, newJobs.length) / (SOAK_INTERVAL_MS / 1000);
  const jobWindow = opts.jobArchiveSeconds + opts.jobDeleteSeconds + 2 * PGBOSS_MAINTENANCE_SECONDS;
  checks.push(
    table(
      "pg-boss jobs",
      (s) => s.jobs.rows + s.archive.rows,
      (s) => s.jobs.bytes + s.archive.bytes,
      2 * jobRate * jobWindow,
      `2 × ${jobRate.toFixed(1)} jobs/s × (${opts.jobArchiveSeconds} + ${opts.jobDeleteSeconds} + 2 × ${PGBOSS_MAINTENANCE_SECONDS} s)`,
    ),
  );
  lines.push(
    `messages        rows ${samples[0]?.messages.rows ?? "?"} → ${samples.at(-1)?.messages.rows ?? "?"} (grow by design; per-number retention is opt-in), size ${((samples.at(-1)?.messages.bytes ?? 0) / 1024 / 1024).toFixed(1)} MB`,
  );

  // latencies[k] are the acks of samples[k]'s interval. Latency is compared over thirds of the run after
  // the warm-up: the first minute of a cold cluster (JIT, connection pools, first compiles) is not "drift".
  const p99Where = (keep: (s: SoakSample) => boolean) =>
    p99(samples.flatMap((s, k) => (keep(s) ? (latencies[k] ?? []) : [])));
  const warmEnd = end * 0.2;
  const afterThird = (i: number) =>
    p99Where(
      (s) => s.t > warmEnd + ((end - warmEnd) * i) / 3 && s.t <= warmEnd + ((end - warmEnd) * (i + 1)) / 3,
    );
  const [first, last] = [afterThird(0), afterThird(2)];
  const stable = first !== null && last !== null && last <= 2 * first + 50;
  const perInterval = samples.map((s) => (s.ackP99Ms === null ? "-" : Math.round(s.ackP99Ms))).join(" ");
  lines.push(
    `ack p99         warm-up ${fmt(p99Where((s) => s.t <= warmEnd))}; after it, first third ${fmt(first)}, middle ${fmt(afterThird(1))}, last ${fmt(last)}`,
  );
  lines.push(`ack p99 / 10 s  ${perInterval}`);
  const reads = samples.map((s) => s.readP99Ms).filter((v): v is number => v !== null);
  lines.push(
    `reads           ${samples.reduce((a, s) => a + s.reads, 0)} (list + thread), ${samples.reduce((a, s) => a + s.readFailures, 0)} failed, worst interval p99 ${fmt(maxOf(reads))}`,
  );
  checks.push({
    name: "webhook ack p99 stable (R19)",
    ok: stable,
    detail: `after the warm-up, last third ${fmt(last)} vs first third ${fmt(first)} (limit 2 × first + 50 ms = ${first === null ? "?" : `${Math.round(2 * first + 50)} ms`})`,
  });
  return { checks, lines };
}

const percentPerHour = (v: number) =>
  Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)} %/h` : "n/a";
const fmt = (v: number | null) => (v === null ? "n/a" : `${Math.round(v)} ms`);
