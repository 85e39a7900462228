// Shared set-up for benchmarks: a real Postgres (embedded), the built server as a child process, and the
// measurements of Postgres itself that each Tandem figure is compared with in the same run.
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { freePort } from "@/lib/runtime/free-port";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";

export const root = path.resolve(import.meta.dirname, "..");
export const BENCH_SECRET = "bench-app-secret-0123456789";
export const biz = {
  wabaId: "200000000000001",
  phoneNumberId: "100000000000001",
  displayNumber: "15550100001",
};

/** `logFile`: where the server's output after start-up goes (by default it is dropped). */
export async function startBench(
  name: string,
  role = process.env.BENCH_ROLE ?? "all",
  options: { logFile?: string } = {},
) {
  const dataDir = path.join(root, ".test-data", `bench-${name}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres({ dataDir });
  await runMigrations(pg.url);
  spawnSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { cwd: root, stdio: "inherit" });
  const port = await freePort();
  const { child } = await startServerProcess(
    {
      NODE_ENV: "production",
      DATABASE_URL: pg.url,
      PORT: String(port),
      META_APP_SECRET: BENCH_SECRET,
      META_VERIFY_TOKEN: "bench-verify-token",
      AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijkl",
      SEED_DEMO: "1",
      ROLE: role,
      GRAPH_API_BASE: "http://127.0.0.1:9", // no simulator: nothing is sent in these benchmarks
    },
    options,
  );
  // BENCH_WORKERS=n: n more processes with ROLE=worker on the same database, beside the first (run it
  // with BENCH_ROLE=web for the production split: web processes store, worker processes apply).
  const workers: ChildProcess[] = [];
  for (let n = 0; n < Number(process.env.BENCH_WORKERS ?? 0); n++) {
    const worker = await startServerProcess({
      NODE_ENV: "production",
      DATABASE_URL: pg.url,
      PORT: String(await freePort()),
      META_APP_SECRET: BENCH_SECRET,
      META_VERIFY_TOKEN: "bench-verify-token",
      AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijkl",
      ROLE: "worker",
      GRAPH_API_BASE: "http://127.0.0.1:9",
    });
    workers.push(worker.child);
  }
  const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/whatsapp`,
    pgUrl: pg.url,
    sql,
    stop: async () => {
      for (const worker of workers) await stopServerProcess(worker);
      await stopServerProcess(child);
      await sql.end();
      await pg.stop();
    },
  };
}

/** Durable single-row INSERTs of the given body into webhook_events, `clients` at a time. */
export async function rawInsertRate(url: string, body: string, seconds: number, clients = 8) {
  const sql = postgres(url, { max: clients, onnotice: () => {} });
  const bytes = Buffer.from(body);
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        await sql`insert into webhook_events (body, status) values (${bytes}, 'processed')`;
        count += 1;
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  await sql`delete from webhook_events where body = ${bytes} and status = 'processed'`;
  await sql.end();
  return rate;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
