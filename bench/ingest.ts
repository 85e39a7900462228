// `npm run bench:ingest`: the production mix of signed single-event webhooks (≈75 % statuses, 20 % inbound,
// 5 % echoes) for BENCH_SECONDS (60 by default): acks/s, ack latency, errors, and ingest → applied lag,
// beside the raw durable INSERT rate of the same bodies into the same Postgres (BENCHMARKS.md T1–T3).
import os from "node:os";
import { runLoad } from "@/lib/simulator/load";
import { inboundMessage, messageEcho, statusUpdate, type Person } from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { BENCH_SECRET, biz, fmt, rawInsertRate, startBench } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
// Unset: closed loop, as fast as the clients get answers (the ack ceiling). Set: open loop at that rate.
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
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
const drainStarted = performance.now();
for (;;) {
  const [row] = await bench.sql<
    { n: number }[]
  >`select count(*)::int as n from webhook_events where status = 'pending'`;
  if ((row?.n ?? 0) === 0 || performance.now() - drainStarted > 300_000) break;
  await new Promise((r) => setTimeout(r, 250));
}
const drainMs = performance.now() - drainStarted;
const [lag] = await bench.sql<
  { p50: number; p95: number; p99: number; max: number; failed: number; n: number }[]
>`
  select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95,
         percentile_cont(0.99) within group (order by ms) as p99, max(ms)::float8 as max,
         count(*) filter (where status = 'failed')::int as failed, count(*)::int as n
  from (select extract(epoch from processed_at - received_at) * 1000 as ms, status
        from webhook_events where id > ${mark?.id ?? 0} and processed_at is not null) t`;
const raw = await rawInsertRate(bench.pgUrl, makeBody(1), Math.min(SECONDS, 20), CONCURRENCY);
await bench.stop();

console.log(`
ingest (mixed webhooks → verify → INSERT → 200 → worker applies)
  Tandem acks/s               ${fmt(tandem.achievedRate)}   (${fmt(tandem.sent)} requests, errors: ${non200.length ? JSON.stringify(Object.fromEntries(non200)) : "none"})
  Ack latency ms              p50 ${fmt(tandem.latencyMs.p50, 1)}  p95 ${fmt(tandem.latencyMs.p95, 1)}  p99 ${fmt(tandem.latencyMs.p99, 1)}  max ${fmt(tandem.latencyMs.max, 1)}
  Ingest → applied lag ms     p50 ${fmt(lag?.p50 ?? 0)}  p95 ${fmt(lag?.p95 ?? 0)}  p99 ${fmt(lag?.p99 ?? 0)}  max ${fmt(lag?.max ?? 0)}   (${fmt(lag?.n ?? 0)} events, ${lag?.failed ?? 0} failed; backlog drained ${fmt(drainMs)} ms after the last ack)
  Raw Postgres INSERT/s       ${fmt(raw)}   (same bodies, ${CONCURRENCY} connections, 1 row per autocommit tx)
  Ratio acks / raw INSERT     ${(tandem.achievedRate / raw).toFixed(3)}
  Targets (BENCHMARKS.md)     T1 ≥ 500 acks/s sustained · T2 p50 ≤ 25 ms, p99 ≤ 250 ms · T3 lag p95 ≤ 500 ms, p99 ≤ 2 s
`);
process.exit(non200.length || (lag?.failed ?? 0) > 0 ? 1 : 0);
