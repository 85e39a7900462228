// `npm run bench:ingest`: the production mix of signed single-event webhooks (≈75 % statuses, 20 % inbound,
// 5 % echoes) for BENCH_SECONDS (60 by default): acks/s, ack latency, errors, and ingest → applied lag,
// beside the raw durable INSERT rate of the same bodies into the same Postgres (BENCHMARKS.md T1–T3).
// BENCH_RATE (300 by default, the T3 check; 0 = closed loop, the T1 ack ceiling) sets the offered rate.
// BENCH_BACKLOG=100000 adds the T3 backlog check: that many raw events committed at once, then the drain
// rate while a light live stream (BENCH_LIVE_RATE, 50 req/s) measures ack latency.
import os from "node:os";
import { runLoad } from "@/lib/simulator/load";
import { inboundMessage, messageEcho, statusUpdate, type Person } from "@/lib/simulator/payloads";
import { metaJson, signBody } from "@/lib/simulator/sign";
import { BENCH_SECRET, biz, fmt, percentile, rawInsertRate, startBench } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
// Unset or 0: closed loop, as fast as the clients get answers (the ack ceiling). Else open loop at that rate.
const RATE = Number(process.env.BENCH_RATE ?? 300) || undefined;
// Open loop needs enough clients in flight that the offered rate is not capped by ack latency.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (RATE ? 32 : 8));
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 0);
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 50);
const WARMUP_SECONDS = 5;
const people: Person[] = Array.from({ length: 300 }, (_, i) => ({
  name: `Mix Customer ${i}`,
  phone: `4479${String(i).padStart(8, "0")}`,
  bsuid: `GB.mix${i}`,
}));
const statuses = ["sent", "delivered", "read"] as const;
const now = () => String(Math.floor(Date.now() / 1000));

/** Request i of the mix. Statuses point at echoes sent earlier in the run, so they find their message. */
function makeBody(i: number): string {
  const p = people[i % people.length]!;
  const slot = i % 20;
  if (slot === 0)
    return metaJson(
      messageEcho(biz, p, {
        id: `wamid.echo${i}`,
        timestamp: now(),
        content: { type: "text", body: `Owner reply ${i}` },
      }),
    );
  if (slot <= 4) {
    return metaJson(
      inboundMessage(biz, p, {
        id: `wamid.in${i}`,
        timestamp: now(),
        content: { type: "text", body: `Customer question ${i} about order #${1000 + i}` },
      }),
    );
  }
  const target = Math.max(0, i - slot - 20 * (slot % 3));
  return metaJson(
    statusUpdate(biz, p, {
      id: `wamid.echo${target - (target % 20)}`,
      status: statuses[slot % 3]!,
      timestamp: now(),
      sentTo: "phone",
    }),
  );
}

const bench = await startBench("ingest");
console.log(
  `\nMix 75 % statuses / 20 % inbound / 5 % echoes, ${CONCURRENCY} clients, ${RATE ? `open loop at ${RATE} req/s` : "closed loop"}, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, ${os.cpus().length} cores`,
);
await runLoad({
  url: bench.url,
  secret: BENCH_SECRET,
  concurrency: CONCURRENCY,
  rate: RATE,
  durationMs: WARMUP_SECONDS * 1000,
  makeBody: (i) => makeBody(i + 5_000_000),
});
await waitDrained(60_000);
const [mark] = await bench.sql<{ id: string }[]>`select coalesce(max(id), 0) as id from webhook_events`;
const tandem = await runLoad({
  url: bench.url,
  secret: BENCH_SECRET,
  concurrency: CONCURRENCY,
  rate: RATE,
  durationMs: SECONDS * 1000,
  makeBody,
});
const non200 = Object.entries(tandem.statuses).filter(([code]) => code !== "200");

// Let the workers finish, then read the lag of every event of the measured window.
const drainMs = await waitDrained(300_000);
const [lag] = await bench.sql<
  { p50: number; p95: number; p99: number; max: number; failed: number; n: number }[]
>`
  select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95,
         percentile_cont(0.99) within group (order by ms) as p99, max(ms)::float8 as max,
         count(*) filter (where status = 'failed')::int as failed, count(*)::int as n
  from (select extract(epoch from processed_at - received_at) * 1000 as ms, status
        from webhook_events where id > ${mark?.id ?? 0} and processed_at is not null) t`;
const raw = await rawInsertRate(bench.pgUrl, makeBody(1), Math.min(SECONDS, 20), CONCURRENCY);
const backlog = BACKLOG > 0 ? await runBacklog(BACKLOG) : null;
await bench.stop();

console.log(`
ingest (mixed webhooks → verify → INSERT → 200 → worker applies)
  Tandem acks/s               ${fmt(tandem.achievedRate)}   (${fmt(tandem.sent)} requests, errors: ${non200.length ? JSON.stringify(Object.fromEntries(non200)) : "none"})
  Ack latency ms              p50 ${fmt(tandem.latencyMs.p50, 1)}  p95 ${fmt(tandem.latencyMs.p95, 1)}  p99 ${fmt(tandem.latencyMs.p99, 1)}  max ${fmt(tandem.latencyMs.max, 1)}
  Offered rate                ${RATE ? `${fmt(RATE)} req/s open loop` : "closed loop"}, ${CONCURRENCY} clients
  Ingest → applied lag ms     p50 ${fmt(lag?.p50 ?? 0)}  p95 ${fmt(lag?.p95 ?? 0)}  p99 ${fmt(lag?.p99 ?? 0)}  max ${fmt(lag?.max ?? 0)}   (${fmt(lag?.n ?? 0)} events, ${lag?.failed ?? 0} failed; backlog drained ${fmt(drainMs)} ms after the last ack)
  Raw Postgres INSERT/s       ${fmt(raw)}   (same bodies, ${CONCURRENCY} connections, 1 row per autocommit tx)
  Ratio acks / raw INSERT     ${(tandem.achievedRate / raw).toFixed(3)}
  Targets (BENCHMARKS.md)     T1 ≥ 500 acks/s sustained · T2 p50 ≤ 25 ms, p99 ≤ 250 ms · T3 lag p95 ≤ 500 ms, p99 ≤ 2 s
`);
if (backlog)
  console.log(`backlog (${fmt(BACKLOG)} raw events committed at once, drained while a live stream posts)
  Drain events/s              ${fmt(backlog.drainRate)}   (${fmt(backlog.drainMs)} ms, ${backlog.failed} failed${backlog.timedOut ? ", TIMED OUT" : ""}; 1-min load ${backlog.load1.map((l) => l.toFixed(2)).join(" → ")})
  Batched INSERT rows/s       ${fmt(backlog.insertRate)}   (the same rows, 1,000 per statement, one transaction)
  Ratio drain / batched INSERT ${(backlog.drainRate / backlog.insertRate).toFixed(3)}
  Live acks during drain      ${fmt(backlog.live.sent)} at ${fmt(LIVE_RATE)} req/s offered, errors: ${backlog.live.errors || "none"}
  Live ack latency ms         p50 ${fmt(backlog.live.p50, 1)}  p99 ${fmt(backlog.live.p99, 1)}  max ${fmt(backlog.live.max, 1)}
  Targets (BENCHMARKS.md)     T3 drain ≥ 1,000 events/s while live ack p99 ≤ 250 ms
`);
const backlogBad = backlog ? backlog.failed > 0 || backlog.timedOut || backlog.live.errors > 0 : false;
process.exit(non200.length || (lag?.failed ?? 0) > 0 || backlogBad ? 1 : 0);

/** Waits until no webhook is pending (or the limit passes); returns how long that took. */
async function waitDrained(limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const [row] = await bench.sql<
      { n: number }[]
    >`select count(*)::int as n from webhook_events where status = 'pending'`;
    if ((row?.n ?? 0) === 0 || performance.now() - started > limitMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return performance.now() - started;
}

/**
 * The T3 backlog: `count` raw events of the mix inserted in one transaction, so the workers see them all at
 * the same instant (as after an outage, when Meta redelivers), then the time until none is pending. A live
 * stream of signed POSTs runs meanwhile; its ack latency is what the drain must not spoil.
 */
async function runBacklog(count: number) {
  const base = 10_000_000;
  const insertStarted = performance.now();
  const [range] = await bench.sql.begin(async (tx) => {
    for (let from = 0; from < count; from += 1_000) {
      const rows = Array.from({ length: Math.min(1_000, count - from) }, (_, k) => ({
        body: Buffer.from(makeBody(base + from + k)),
      }));
      await tx`insert into webhook_events ${tx(rows, "body")}`;
    }
    return tx<{ first: string; last: string }[]>`
      select min(id) as first, max(id) as last from webhook_events where received_at = now()`;
  });
  const insertRate = count / ((performance.now() - insertStarted) / 1000);
  // The drain's span is read from Postgres' clock (commit → last processed_at), so it does not depend on how
  // often we look. Looking is one index probe, not a count of the pending rows: counting up to 100k rows ten
  // times a second took CPU from the drain it measured.
  const [start] = await bench.sql<{ at: Date }[]>`select clock_timestamp() as at`;
  const drainStarted = performance.now();
  const load1 = os.loadavg()[0]!;
  const live = liveStream(LIVE_RATE, base + count + 1_000_000);
  let timedOut = false;
  for (;;) {
    const [row] = await bench.sql<{ pending: boolean }[]>`
      select exists (select 1 from webhook_events
                     where id between ${range!.first} and ${range!.last} and status = 'pending') as pending`;
    if (!row?.pending) break;
    if (performance.now() - drainStarted > 1_800_000) {
      timedOut = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const [end] = await bench.sql<{ at: Date | null }[]>`
    select max(processed_at) as at from webhook_events where id between ${range!.first} and ${range!.last}`;
  const drainMs = timedOut
    ? performance.now() - drainStarted
    : (end?.at ?? new Date()).getTime() - start!.at.getTime();
  const acks = await live.stop();
  const [failed] = await bench.sql<{ n: number }[]>`
    select count(*)::int as n from webhook_events
    where id between ${range!.first} and ${range!.last} and status = 'failed'`;
  return {
    drainMs,
    drainRate: count / (drainMs / 1000),
    load1: [load1, os.loadavg()[0]!],
    insertRate,
    failed: failed?.n ?? 0,
    timedOut,
    live: acks,
  };
}

/** Signed POSTs at `rate` per second until stopped; each request is timed on its own. */
function liveStream(rate: number, base: number) {
  const latencies: number[] = [];
  let errors = 0;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const body = makeBody(base + i);
      const t0 = performance.now();
      const request = fetch(bench.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, BENCH_SECRET) },
        body,
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) errors += 1;
        })
        .catch(() => {
          errors += 1;
        })
        .then(() => {
          latencies.push(performance.now() - t0);
          inFlight.delete(request);
        });
      inFlight.add(request);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      const sorted = latencies.sort((a, b) => a - b);
      return {
        sent: sorted.length,
        errors,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
      };
    },
  };
}
