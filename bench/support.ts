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

/**
 * The inbox benchmarks' data (BENCHMARKS.md T7, T7b, T9): `conversations` open conversations with denormalized
 * activity on the demo seed's first number, and the newest of them given a `threadMessages`-message thread.
 */
export async function seedInbox(
  sql: postgres.Sql,
  options: { conversations: number; threadMessages: number },
): Promise<{ numberId: string; bigId: string; seedMs: number }> {
  const [number] = await sql<{ id: string; waba_id: string }[]>`
    select id, waba_id from phone_numbers order by created_at limit 1`;
  if (!number) throw new Error("the demo seed made no phone number");
  const [team] = await sql<{ id: string }[]>`select id from teams order by created_at limit 1`;
  const started = performance.now();
  await sql`
    with c as (
      insert into contacts (waba_id, bsuid, phone, profile_name)
      select ${number.waba_id}, 'US.inboxbench' || g, '1999' || lpad(g::text, 7, '0'), 'Bench Customer ' || g
      from generate_series(1, ${options.conversations}) g
      returning id, phone)
    insert into conversations (contact_id, phone_number_id, team_id, status, last_message_at, last_message_preview,
      last_inbound_at, waiting_since, unread_count)
    select c.id, ${number.id}, ${team?.id ?? null}, 'open', t, 'Where is my order?', t, t, 1
    from (select id, now() - (random() * interval '30 days') as t from c) c`;
  const [big] = await sql<{ id: string }[]>`
    select id from conversations where phone_number_id = ${number.id} order by last_message_at desc limit 1`;
  await sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
    select ${big!.id}, 'wamid.inboxbench.' || g, case when g % 2 = 0 then 'inbound' else 'outbound' end::message_direction,
      case when g % 2 = 0 then 'customer' else 'agent' end::message_source, 'text',
      'Message number ' || g || ' of the long thread',
      date_trunc('second', now()) - interval '200 days' + g * interval '5 minutes'
    from generate_series(1, ${options.threadMessages}) g`;
  await sql`analyze`;
  return { numberId: number.id, bigId: big!.id, seedMs: performance.now() - started };
}
