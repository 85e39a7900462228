// `npm run bench:ingest-spine`: webhook acks/s and latency for signed single-event POSTs at 8 concurrent
// clients, beside the raw durable INSERT rate of the same row into the same Postgres, in one run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { freePort } from "@/lib/runtime/free-port";
import { runLoad } from "@/lib/simulator/load";
import { inboundMessage } from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 3;
const CONCURRENCY = 8;
const root = path.resolve(import.meta.dirname, "..");
const secret = "bench-app-secret-0123456789";
const biz = { wabaId: "200000000000001", phoneNumberId: "100000000000001", displayNumber: "15550100001" };

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

const dataDir = path.join(root, ".test-data", "bench");
fs.rmSync(dataDir, { recursive: true, force: true });
const pg = await startEmbeddedPostgres({ dataDir });
await runMigrations(pg.url);
const port = await freePort();
spawnSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { cwd: root, stdio: "inherit" });
const { child: server } = await startServerProcess({
  NODE_ENV: "production",
  DATABASE_URL: pg.url,
  PORT: String(port),
  META_APP_SECRET: secret,
  META_VERIFY_TOKEN: "bench-verify-token",
  AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijkl",
  SEED_DEMO: "1",
  ROLE: process.env.BENCH_ROLE ?? "all",
  GRAPH_API_BASE: "http://127.0.0.1:9", // no simulator: nothing is sent in this benchmark
});

const url = `http://127.0.0.1:${port}/api/webhooks/whatsapp`;
const bodySize = Buffer.byteLength(makeBody(0));
console.log(
  `\nBody ${bodySize} B, ${CONCURRENCY} clients, ${SECONDS} s per measurement (after ${WARMUP_SECONDS} s warm-up), ${os.cpus().length} cores`,
);

await runLoad({
  url,
  secret,
  concurrency: CONCURRENCY,
  durationMs: WARMUP_SECONDS * 1000,
  makeBody: (i) => makeBody(1e7 + i),
});
const tandem = await runLoad({ url, secret, concurrency: CONCURRENCY, durationMs: SECONDS * 1000, makeBody });
const non200 = Object.entries(tandem.statuses).filter(([code]) => code !== "200");

// The limit: the same row, one durable INSERT per transaction, 8 connections, same server.
const raw = await rawInsertRate(pg.url, makeBody(0));
const drain = await drainTime(pg.url, tandem.sent);

await stopServerProcess(server);
await pg.stop();

const ratio = tandem.achievedRate / raw.rate;
console.log(`
ingest-spine (signed single-event webhook → verify → INSERT → 200)
  Tandem acks/s            ${tandem.achievedRate.toFixed(0)}   (${tandem.sent} requests, non-200: ${non200.length ? JSON.stringify(Object.fromEntries(non200)) : "none"})
  Tandem ack latency ms    p50 ${tandem.latencyMs.p50.toFixed(1)}  p95 ${tandem.latencyMs.p95.toFixed(1)}  p99 ${tandem.latencyMs.p99.toFixed(1)}  max ${tandem.latencyMs.max.toFixed(1)}
  Raw Postgres INSERT/s    ${raw.rate.toFixed(0)}   (postgres.js, 8 connections, 1 row per autocommit tx, same row)
  Ratio Tandem / raw       ${ratio.toFixed(2)}
  Applied after load       ${drain.applied}/${tandem.sent} within ${drain.ms} ms of the last ack${drain.failed ? `, ${drain.failed} failed` : ""}
`);
process.exit(non200.length ? 1 : 0);

async function rawInsertRate(url: string, body: string) {
  const sql = postgres(url, { max: CONCURRENCY, onnotice: () => {} });
  const bytes = Buffer.from(body);
  const deadline = performance.now() + SECONDS * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await sql`insert into webhook_events (body, status) values (${bytes}, 'processed')`;
        count += 1;
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  await sql`delete from webhook_events where body = ${bytes} and status = 'processed'`;
  await sql.end();
  return { rate };
}

async function drainTime(url: string, expected: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = performance.now();
  let applied = 0;
  let failed = 0;
  while (performance.now() - started < 120_000) {
    const [row] = await sql<{ applied: number; failed: number }[]>`
      select count(*) filter (where status = 'processed')::int as applied, count(*) filter (where status = 'failed')::int as failed
      from webhook_events where received_at > now() - interval '10 minutes'`;
    applied = row?.applied ?? 0;
    failed = row?.failed ?? 0;
    if (applied + failed >= expected) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await sql.end();
  return { applied, failed, ms: Math.round(performance.now() - started) };
}
