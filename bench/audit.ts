// `npm run bench:audit`: how many audit appends per second the hash chain takes when every writer wants it
// at once (after an outage, every queued agent send appends in the same second), beside the same-run limit:
// one statement string that takes the same kind of lock and inserts one row as its own implicit transaction,
// one round trip each (Postgres' serial rate for a locked append).
// BENCH_BUSY_MS=n blocks the event loop n ms in every 2n, like a web process answering a recovery burst:
// each trip back to Node while holding the lock then costs up to n ms.
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { systemActor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import { verifyAuditChain } from "@/lib/audit/verify";
import { closeDb, getDb } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { setRuntimeEnv } from "@/lib/env.js";
import { closedLoop, fmt, percentile, root } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BUSY_MS = Number(process.env.BENCH_BUSY_MS ?? 0);
const LIMIT_LOCK = 7231999;

const dataDir = path.join(root, ".test-data", "bench-audit");
fs.rmSync(dataDir, { recursive: true, force: true });
const pg = await startEmbeddedPostgres({ dataDir });
await runMigrations(pg.url);
setRuntimeEnv({ DATABASE_URL: pg.url });
const raw = postgres(pg.url, { max: 16, onnotice: () => {} });
await raw`create table bench_serial (id bigserial primary key, at timestamptz not null default now(), data jsonb)`;

let busy: NodeJS.Timeout | undefined;
if (BUSY_MS > 0)
  busy = setInterval(() => {
    const until = performance.now() + BUSY_MS;
    while (performance.now() < until);
  }, BUSY_MS);

/** `once` from CONCURRENCY loops for SECONDS, each call numbered: the rate of calls and their latencies. */
async function measure(once: (n: number) => Promise<unknown>) {
  let n = 0;
  const { latencies, errors } = await closedLoop(() => once(n++), { clients: CONCURRENCY, seconds: SECONDS });
  if (errors > 0) throw new Error(`${errors} calls failed`);
  return { rate: latencies.length / SECONDS, latencies };
}

const actor = systemActor("bench");
const data = { conversation_id: "7b0c5e1e-2f7a-4d7e-9a51-0c9f3c1b2a10", type: "text", reason: "bench" };
const limit = await measure((n) =>
  raw.unsafe(
    `select pg_advisory_xact_lock(${LIMIT_LOCK}); insert into bench_serial (data) values ('${JSON.stringify({ ...data, n })}')`,
  ),
);
const tandem = await measure((n) =>
  getDb().transaction((tx) =>
    emitAudit(tx, actor, { action: "message.queued", entityType: "message", entityId: String(n), data }),
  ),
);
if (busy) clearInterval(busy);
const verified = await verifyAuditChain(getDb());
const [count] = await getDb().execute<{ rows: string }>(sql`select count(*)::text as rows from audit_log`);

const line = (name: string, r: { rate: number; latencies: number[] }) =>
  `${name.padEnd(28)} ${fmt(r.rate, 0).padStart(7)} /s   p50 ${fmt(percentile(r.latencies, 50), 1)} ms   p99 ${fmt(percentile(r.latencies, 99), 1)} ms`;
console.log(`
bench:audit  ${CONCURRENCY} concurrent writers, ${SECONDS} s each, event loop busy ${BUSY_MS} ms in every ${2 * BUSY_MS || "-"} ms
  ${line("audit appends (emitAudit)", tandem)}
  ${line("limit: locked insert, 1 trip", limit)}
  ratio ${fmt(tandem.rate / limit.rate, 3)}; chain ${verified.ok ? "verifies" : "BROKEN"} over ${count?.rows} rows
`);
await raw.end();
await closeDb();
await pg.stop();
if (!verified.ok) process.exit(1);
