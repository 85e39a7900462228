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

/**
 * `clients` loops calling `call` for `seconds`, or until `calls` calls were made in all: each successful call's
 * latency (sorted), and the errors.
 */
export async function closedLoop(
  call: () => Promise<unknown>,
  { clients, ...until }: { clients: number } & ({ seconds: number } | { calls: number }),
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = "seconds" in until ? performance.now() + until.seconds * 1000 : Infinity;
  let left = "calls" in until ? until.calls : Infinity;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && left-- > 0) {
        const started = performance.now();
        try {
          await call();
          latencies.push(performance.now() - started);
        } catch (error) {
          if (errors++ === 0) console.error((error as Error).message);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, errors };
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

/**
 * The inbox at issue 8's scale (BENCHMARKS.md T7, T7b): `conversations` conversations on the demo seed's
 * first number, spread over statuses, teams, agents and six months of activity, holding `messages` messages:
 * one thread of `threadMessages` (the newest conversation, `bigId`) and the rest shared evenly by the others.
 * Set-based and reproducible (setseed), in chunks of about 500k messages that each take a slice of every
 * thread, so a conversation's messages lie across the table as they would after months of traffic.
 */
export async function seedInboxAtScale(
  sql: postgres.Sql,
  options: {
    conversations: number;
    threadMessages: number;
    messages: number;
    agents?: number;
    teams?: number;
    log?: (line: string) => void;
  },
): Promise<{ numberId: string; bigId: string; agentIds: string[]; teamIds: string[]; seedMs: number }> {
  const { conversations, threadMessages, messages, agents = 20, teams = 4, log = () => {} } = options;
  const others = conversations - 1;
  if (others < 1 || messages - threadMessages < others)
    throw new Error("seedInboxAtScale: every conversation needs at least one message");
  const started = performance.now();
  const elapsed = () => `${fmt((performance.now() - started) / 1000, 1)} s`;
  // One connection throughout: session settings and setseed() hold for every statement below.
  const db = await sql.reserve();
  try {
    await db`set synchronous_commit = off`;
    await db`set maintenance_work_mem = '512MB'`;
    await db`select setseed(0.42)`;
    const [number] = await db<{ id: string; waba_id: string }[]>`
      select id, waba_id from phone_numbers order by created_at limit 1`;
    if (!number) throw new Error("the demo seed made no phone number");
    // The seeded history is not traffic: the volume rollup must not fold millions of rows mid-measurement.
    await db`insert into job_watermarks (key, value) values ('message_volume_daily', 'infinity')
      on conflict (key) do update set value = excluded.value`;

    // Teams and agents (agent i in team i mod teams), so the T7 filters select realistic slices.
    await db`insert into teams (name) select 'Bench Team ' || g from generate_series(1, ${teams}::int) g
      on conflict (name) do nothing`;
    const teamIds = (
      await db<{ id: string }[]>`
      select id from teams where name like 'Bench Team %' order by name`
    ).map((t) => t.id);
    const agentIds = (
      await db<{ id: string }[]>`
        insert into users (email, name, role, password_hash)
        select 'bench-agent-' || g || '@tandem.example', 'Bench Agent ' || g, 'agent', '!' -- no sign-in
        from generate_series(1, ${agents}::int) g returning id`
    ).map((u) => u.id);
    await db`insert into team_members (team_id, user_id)
      select (${teamIds}::uuid[])[1 + (i - 1) % ${teams}::int], (${agentIds}::uuid[])[i]
      from generate_series(1, ${agents}::int) i`;

    // One row per conversation: everything its rows below derive from. n = 1 is the long thread.
    const base = Math.floor((messages - threadMessages) / others);
    const extra = (messages - threadMessages) % others;
    await db`create unlogged table inbox_seed as
      select n, gen_random_uuid() as contact_id, gen_random_uuid() as conversation_id,
        case when n = 1 then ${threadMessages}::int else ${base}::int + (n - 2 < ${extra}::int)::int end as m,
        -- Months of history: most conversations resolved, a few days' worth still open.
        case when n = 1 then 'open' when u < 0.04 then 'open' when u < 0.06 then 'snoozed'
          when u < 0.07 then 'bot' else 'resolved' end::conversation_status as status,
        random() as age, case when n = 1 then interval '5 minutes'
          else make_interval(secs => 60 + floor(random() * 43200)) end as gap,
        case when random() < 0.1 then null else floor(random() * ${teams}::int)::int end as team,
        random() as r
      from (select n, random() as u from generate_series(1, ${conversations}::int) n) g`;
    // Open and bot conversations moved this week, snoozed this month, resolved over six months (older rarer).
    await db`alter table inbox_seed add column last_at timestamptz, add column team_id uuid,
      add column assignee_id uuid`;
    await db`update inbox_seed set
      last_at = date_trunc('second', now() - case when n = 1 then interval '0'
        when status in ('open', 'bot') then age * interval '7 days'
        when status = 'snoozed' then age * interval '30 days' else age * age * interval '180 days' end),
      team_id = (${teamIds}::uuid[])[team + 1],
      -- 80 % assigned to an agent of the conversation's team (any agent when teamless); bots hold none.
      assignee_id = case when status = 'bot' or r >= 0.8 then null
        else (${agentIds}::uuid[])[1 + (coalesce(team, 0) + ${teams}::int * floor(r / 0.8 * ${agents}::int
          / ${teams}::int)::int) % ${agents}::int] end`;
    await db`create unique index on inbox_seed (n)`;
    // Message k of conversation n: inbound unless (k + n) is a multiple of 3, so a customer writes once or
    // twice between replies and the conversation's last rows are known without reading them back.
    await db`create function inbox_seed_inbound(n int, k int) returns boolean immutable language sql
      as $$ select (k + n) % 3 <> 0 $$`;
    await db`create function inbox_seed_text(n int, k int) returns text immutable language sql as $$
      select case when inbox_seed_inbound(n, k)
        then (array['Where is my order?', 'Can I change the delivery address?', 'Do you have this in blue?',
          'My payment failed, can you check?', 'Thanks, that helps!', 'Is there a discount for two?',
          'When do you open tomorrow?', 'The parcel arrived damaged'])[1 + (n * 7 + k) % 8]
        else (array['Let me check that for you.', 'Your order ships tomorrow.', 'Done, anything else?',
          'We open at 9 am.', 'Sorry about that, a replacement is on its way.', 'Here is the link to pay.'])
          [1 + (n * 5 + k) % 6] end || ' (' || n || '.' || k || ')' $$`;

    await db`
      insert into contacts (id, waba_id, bsuid, phone, profile_name, created_at)
      select contact_id, ${number.waba_id}, 'US.inboxbench' || n, '1999' || lpad(n::text, 7, '0'),
        'Bench Customer ' || n, last_at - (m - 1) * gap
      from inbox_seed`;
    // The denormalized activity columns agree with the messages inserted below (same formulas).
    await db`
      insert into conversations (id, contact_id, phone_number_id, team_id, assignee_id, status, priority,
        snoozed_until, assigned_at, resolved_at, waiting_since, last_message_at, last_message_preview,
        last_inbound_at, window_expires_at, unread_count, created_at, updated_at)
      select conversation_id, contact_id, ${number.id}, team_id, assignee_id, status,
        case when r < 0.02 then 'urgent' when r < 0.07 then 'high' when r > 0.9 then 'low' else 'normal' end
          ::conversation_priority,
        case when status = 'snoozed' then now() + r * interval '7 days' end,
        case when assignee_id is not null then last_at - (m - 1) * gap end,
        case when status = 'resolved' then last_at + interval '10 minutes' end,
        case when status <> 'resolved' and last_in then
          case when m > 1 and inbox_seed_inbound(n, m - 1) then last_at - gap else last_at end end,
        last_at, inbox_seed_text(n, m), inbound_at, inbound_at + interval '24 hours',
        case when status <> 'resolved' and last_in then 1 + (m > 1 and inbox_seed_inbound(n, m - 1))::int
          else 0 end,
        last_at - (m - 1) * gap, last_at
      from (select s.*, inbox_seed_inbound(n, m) as last_in,
          case when inbox_seed_inbound(n, m) then last_at when m > 1 then last_at - gap end as inbound_at
        from inbox_seed s) s`;
    await db`
      insert into labels (name, color) select 'Bench ' || name, '#2563eb'
      from unnest(array['VIP', 'Refund', 'Shipping', 'Wholesale', 'Complaint']) name
      on conflict do nothing`;
    await db`
      insert into conversation_labels (conversation_id, label_id)
      select s.conversation_id, l.id from inbox_seed s
      join (select id, row_number() over (order by name) as i from labels where name like 'Bench %') l
        on l.i = 1 + s.n % 5
      where s.r < 0.3`;
    log(`  seeded ${fmt(conversations)} contacts and conversations (${elapsed()})`);

    // Bulk load as a restore does: the messages' secondary indexes (the full-text GIN above all) are built
    // once at the end, from their own definitions, instead of row by row.
    const indexes = await db<{ name: string; def: string }[]>`
      select c.relname as name, pg_get_indexdef(i.indexrelid) as def from pg_index i
      join pg_class c on c.oid = i.indexrelid
      where i.indrelid = 'messages'::regclass
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`;
    for (const index of indexes) await db.unsafe(`drop index "${index.name}"`);
    const chunks = Math.max(1, Math.ceil(messages / 500_000));
    let done = 0;
    for (let j = 1; j <= chunks; j++) {
      // Chunk j takes messages (m(j-1)/chunks, mj/chunks] of every thread.
      const result = await db`
        insert into messages (conversation_id, wamid, direction, source, type, text, status, author_id, timestamp)
        select s.conversation_id, 'wamid.inboxbench.' || s.n || '.' || k,
          case when inbound then 'inbound' else 'outbound' end::message_direction,
          case when inbound then 'customer' when s.status = 'bot' then 'bot'
            else (array['agent', 'agent', 'agent', 'agent', 'agent', 'agent', 'bot', 'bot', 'business_app',
              'campaign'])[1 + (s.n * 3 + k * 7) % 10] end::message_source,
          'text', inbox_seed_text(s.n, k),
          case when inbound then null when k = s.m then 'delivered' else 'read' end::message_status,
          case when not inbound and s.status <> 'bot' and (s.n * 3 + k * 7) % 10 < 6 then s.assignee_id end,
          s.last_at - (s.m - k) * s.gap
        from inbox_seed s,
          lateral generate_series(s.m * ${j - 1}::int / ${chunks}::int + 1, s.m * ${j}::int / ${chunks}::int) k,
          lateral (select inbox_seed_inbound(s.n, k) as inbound) d`;
      done += result.count;
      log(`  messages ${fmt(done)} / ${fmt(messages)} (${elapsed()})`);
    }
    for (const index of indexes) await db.unsafe(index.def);
    log(`  rebuilt ${indexes.length} message indexes (${elapsed()})`);
    // Vacuum too, not only analyze: autovacuum would otherwise start on 5M fresh rows mid-measurement.
    await db`vacuum (analyze) messages, conversations, contacts, conversation_labels`;
    await db`analyze`;
    log(`  vacuumed and analyzed (${elapsed()})`);

    const [big] = await db<{ conversation_id: string }[]>`select conversation_id from inbox_seed where n = 1`;
    await db`drop table inbox_seed`;
    await db`drop function inbox_seed_text(int, int)`;
    await db`drop function inbox_seed_inbound(int, int)`;
    await db`update job_watermarks set value = now() where key = 'message_volume_daily'`;
    return {
      numberId: number.id,
      bigId: big!.conversation_id,
      agentIds,
      teamIds,
      seedMs: performance.now() - started,
    };
  } finally {
    db.release();
  }
}
