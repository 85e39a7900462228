// `npm run bench:ingest-spine`: webhook acks/s and latency for signed single-event POSTs at 8 concurrent
// clients, beside the raw durable INSERT rate of the same row into the same Postgres, in one run.
import os from "node:os";
import { runLoad } from "@/lib/simulator/load";
import { inboundMessage } from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { BENCH_SECRET, biz, rawInsertRate, startBench } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 3;
const CONCURRENCY = 8;

const makeBody = (i: number) =>
  metaJson(
    inboundMessage(
      biz,
      {
        name: `Bench Customer ${i % 500}`,
        phone: `1415555${String(i % 500).padStart(4, "0")}`,
        bsuid: `US.bench${i % 500}`,
      },
      {
        id: `wamid.bench${process.pid}x${i}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        content: { type: "text", body: `Order question ${i}: ${"lorem ipsum dolor sit amet ".repeat(40)}` },
      },
    ),
  );

const bench = await startBench("spine");
console.log(
  `\nBody ${Buffer.byteLength(makeBody(0))} B, ${CONCURRENCY} clients, ${SECONDS} s per measurement (after ${WARMUP_SECONDS} s warm-up), ${os.cpus().length} cores`,
);
await runLoad({
  url: bench.url,
  secret: BENCH_SECRET,
  concurrency: CONCURRENCY,
  durationMs: WARMUP_SECONDS * 1000,
  makeBody: (i) => makeBody(1e7 + i),
});
const tandem = await runLoad({
  url: bench.url,
  secret: BENCH_SECRET,
  concurrency: CONCURRENCY,
  durationMs: SECONDS * 1000,
  makeBody,
});
const non200 = Object.entries(tandem.statuses).filter(([code]) => code !== "200");
const raw = await rawInsertRate(bench.pgUrl, makeBody(0), SECONDS, CONCURRENCY);
const drainStarted = performance.now();
let applied = 0;
while (performance.now() - drainStarted < 120_000) {
  const [row] = await bench.sql<
    { n: number }[]
  >`select count(*)::int as n from webhook_events where status = 'pending'`;
  if ((row?.n ?? 0) === 0) break;
  await new Promise((r) => setTimeout(r, 250));
}
const [done] = await bench.sql<
  { n: number }[]
>`select count(*)::int as n from webhook_events where status <> 'pending'`;
applied = done?.n ?? 0;
const drainMs = Math.round(performance.now() - drainStarted);
await bench.stop();

console.log(`
ingest-spine (signed single-event webhook → verify → INSERT → 200)
  Tandem acks/s            ${tandem.achievedRate.toFixed(0)}   (${tandem.sent} requests, non-200: ${non200.length ? JSON.stringify(Object.fromEntries(non200)) : "none"})
  Tandem ack latency ms    p50 ${tandem.latencyMs.p50.toFixed(1)}  p95 ${tandem.latencyMs.p95.toFixed(1)}  p99 ${tandem.latencyMs.p99.toFixed(1)}  max ${tandem.latencyMs.max.toFixed(1)}
  Raw Postgres INSERT/s    ${raw.toFixed(0)}   (postgres.js, ${CONCURRENCY} connections, 1 row per autocommit tx, same row)
  Ratio Tandem / raw       ${(tandem.achievedRate / raw).toFixed(3)}
  Applied after load       ${applied} events (incl. warm-up and seed) within ${drainMs} ms of the last ack
`);
process.exit(non200.length ? 1 : 0);
