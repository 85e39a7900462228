// `npm run bench:reports`: supervisor reports (BENCHMARKS.md T8) through the real server on 100k conversations /
// 5 M messages over 180 days (BENCH_SCALE=0.1 → 10k / 500k): p50/p95 of the 30- and 180-day report per grouping
// and with business hours, beside the plain SQL aggregate over the same rows in the same run; then signed
// webhooks at a steady rate (BENCH_WEBHOOK_RATE, 100/s) with and without reports running, for the ack p50/p99.
import os from "node:os";
import postgres from "postgres";
import { systemActor } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/api-keys";
import { closeDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { createLabel } from "@/lib/labels";
import { addNumber } from "@/lib/numbers";
import { saveBusinessHours } from "@/lib/sla";
import { inboundMessage, messageEcho, statusUpdate } from "@/lib/simulator/payloads";
import { metaJson, signBody } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { BENCH_SECRET, biz, closedLoop, fmt, percentile, startBench } from "./support";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONVERSATIONS = Math.round(100_000 * SCALE);
const PER_CONVERSATION = 50; // 5 M messages at full scale
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 3);
const WEBHOOK_RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);
const WEBHOOK_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
const AGENTS = 8;
const NO_TEAM = "00000000-0000-0000-0000-000000000000";
const STATUSES = ["sent", "delivered", "read"] as const;

const bench = await startBench("reports", undefined, { logFile: process.env.BENCH_SERVER_LOG });
const base = new URL(bench.url).origin;
setRuntimeEnv({ DATABASE_URL: bench.pgUrl });
const ctx = { actor: systemActor("bench") };
const { key } = await createApiKey({ ctx, input: { name: "bench-reports", role: "admin" } });
const auth = { authorization: `Bearer ${key}` };

// Owners: 4 teams, 8 agents (two per team), 3 numbers, 6 labels, one set of business hours.
const teams: string[] = [];
for (const name of ["Bench North", "Bench South", "Bench East", "Bench West"])
  teams.push((await createTeam({ ctx, input: { name } })).id);
const agents: string[] = [];
for (let i = 0; i < AGENTS; i++) {
  const user = await createUser({
    ctx,
    input: {
      email: `bench-agent-${i}@example.com`,
      name: `Bench Agent ${i}`,
      role: "agent",
      password: "correct horse battery",
      teamIds: [teams[i % 4]!],
    },
  });
  agents.push(user.id);
}
const numbers: string[] = [];
for (let i = 0; i < 3; i++) {
  const n = await addNumber({
    ctx,
    input: {
      wabaId: `29900000000000${i}`,
      phoneNumberId: `19900000000000${i}`,
      displayNumber: `1555999000${i}`,
      coexistence: true,
    },
  });
  numbers.push(n.id);
}
const labels: string[] = [];
for (const name of ["Billing", "Shipping", "Returns", "Sales lead", "VIP", "Complaint"])
  labels.push((await createLabel({ ctx, input: { name } })).id);
const weekday: [string, string][] = [["09:00", "17:30"]];
const hours = await saveBusinessHours({
  ctx,
  input: {
    name: "Bench office",
    timezone: "Europe/Madrid",
    weekly: {
      mon: weekday,
      tue: weekday,
      wed: weekday,
      thu: weekday,
      fri: weekday,
      sat: [["10:00", "14:00"]],
    },
    holidays: [],
  },
});

// The seed, set-based in one transaction: conversations over 180 days (the last 2 days left open), 50
// messages each from the customer, agents, bots, the phone app, campaigns and history; one work cycle per
// conversation plus a reopened second cycle for ~30 %, whose first response is the first agent message;
// 1–2 labels; and the daily volume rollup of the same messages with its watermark moved past them.
const seedStarted = performance.now();
const uuids = (ids: string[]) => `{${ids.join(",")}}`;
await bench.sql.begin(async (tx) => {
  await tx`set local synchronous_commit = off`;
  await tx`select setseed(0.42)`;
  // Hold the rollup job's watermark row, so the job cannot count these messages a second time.
  await tx`insert into job_watermarks (key, value) values ('message_volume_daily', now())
    on conflict (key) do update set value = greatest(job_watermarks.value, now())`;
  await tx`
    create temp table seed on commit drop as
    select g, gen_random_uuid() as conversation_id, gen_random_uuid() as contact_id,
      (${uuids(numbers)}::uuid[])[1 + g % 3] as number_id,
      case when g % 20 = 0 then null else (${uuids(agents)}::uuid[])[1 + g % ${AGENTS}] end as assignee_id,
      (${uuids(teams)}::uuid[])[1 + (g % ${AGENTS}) % 4] as team_id,
      date_trunc('second', now() - interval '2 days' - random() * interval '178 days') as t0,
      (1 + random() * 240) * interval '1 minute' as frt,
      (1 + random() * 9) * interval '1 minute' as step,
      random() < 0.3 as reopened, random() < 0.2 as breached,
      case when random() < 0.4 then 1 + floor(random() * 3)::int end as csat
    from generate_series(1, ${CONVERSATIONS}) g`;
  await tx`
    insert into contacts (id, waba_id, bsuid, phone, profile_name)
    select contact_id, '29900000000000' || (g % 3), 'US.reportsbench' || g, '1998' || lpad(g::text, 7, '0'),
      'Report Customer ' || g
    from seed`;
  await tx`
    create temp table seed_msg on commit drop as
    select s.conversation_id, s.g, k,
      s.t0 + case when k = 0 then interval '0' else s.frt + (k - 1) * s.step end
        + case when s.reopened and k >= 26 then interval '1 day' else interval '0' end as ts
    from seed s cross join generate_series(0, ${PER_CONVERSATION - 1}) k`;
  await tx`
    insert into conversations (id, contact_id, phone_number_id, team_id, assignee_id, status, assigned_at,
      resolved_at, last_message_at, last_message_preview, last_inbound_at, created_at)
    select s.conversation_id, s.contact_id, s.number_id, s.team_id, s.assignee_id,
      case when last.ts > now() - interval '2 days' then 'open' else 'resolved' end::conversation_status,
      case when s.assignee_id is not null then s.t0 + interval '1 minute' end,
      case when last.ts <= now() - interval '2 days' then last.ts + interval '5 minutes' end,
      last.ts, 'Report bench message 49', last.ts, s.t0
    from seed s cross join lateral (
      select s.t0 + s.frt + ${PER_CONVERSATION - 2} * s.step
        + case when s.reopened then interval '1 day' else interval '0' end as ts) last`;
  await tx`
    insert into messages (conversation_id, wamid, direction, source, type, text, timestamp, created_at, author_id)
    select m.conversation_id, 'wamid.reportsbench.' || m.g || '.' || m.k,
      case when m.k % 2 = 0 then 'inbound' else 'outbound' end::message_direction,
      (case when m.k % 2 = 0 then 'customer'
            when m.k % 10 = 3 then 'bot' when m.k % 10 = 5 then 'business_app'
            when m.k = 49 then 'campaign' when m.k % 10 = 9 and m.g % 7 = 0 then 'history'
            else 'agent' end)::message_source,
      'text', 'Report bench message ' || m.k, m.ts, m.ts,
      case when m.k % 2 = 1 and m.k % 10 not in (3, 5) then s.assignee_id end
    from seed_msg m join seed s on s.conversation_id = m.conversation_id`;
  // Cycle 1 spans messages 0–25 (0–49 when not reopened), cycle 2 messages 26–49; a cycle ends 5 min after its
  // last message, unless that is in the last 2 days (still open).
  await tx`
    insert into conversation_cycles (conversation_id, phone_number_id, team_id, assignee_id, started_at,
      first_assigned_at, first_response_at, resolved_at, reopened, sla_breached, csat_score, csat_answered_at)
    select s.conversation_id, s.number_id, s.team_id, s.assignee_id, c.first_ts,
      case when s.assignee_id is not null then c.first_ts + interval '1 minute' end,
      c.reply_ts, case when c.closed then c.last_ts + interval '5 minutes' end,
      c.second, s.breached and not c.second,
      case when c.closed then s.csat end,
      case when c.closed and s.csat is not null then c.last_ts + interval '10 minutes' end
    from seed s join (
      select m.conversation_id, m.second, min(m.ts) as first_ts, max(m.ts) as last_ts,
        min(m.ts) filter (where m.k in (1, 27)) as reply_ts,
        -- Only a conversation's last cycle can still be open (one open cycle per conversation).
        max(m.k) = 25 or max(m.ts) <= now() - interval '2 days' as closed
      from (select m.*, r.reopened and m.k >= 26 as second
            from seed_msg m join seed r on r.conversation_id = m.conversation_id) m
      group by 1, 2) c on c.conversation_id = s.conversation_id`;
  await tx`
    insert into conversation_labels (conversation_id, label_id, added_at)
    select s.conversation_id, (${uuids(labels)}::uuid[])[1 + s.g % 6], s.t0 from seed s
    union all
    select s.conversation_id, (${uuids(labels)}::uuid[])[1 + (s.g / 6 + 1) % 6], s.t0 from seed s
    where s.g % 3 = 0 and (s.g / 6 + 1) % 6 <> s.g % 6`;
  // The same aggregate as lib/reports/rollup.ts, over the seeded messages.
  await tx`
    insert into message_volume_daily (day, phone_number_id, team_id, source, direction, count)
    select (m.timestamp at time zone 'UTC')::date, c.phone_number_id, coalesce(c.team_id, ${NO_TEAM}::uuid),
      m.source::text, m.direction::text, count(*)::int
    from messages m join conversations c on c.id = m.conversation_id
    where m.wamid like 'wamid.reportsbench.%'
    group by 1, 2, 3, 4, 5
    on conflict (day, phone_number_id, team_id, source, direction)
    do update set count = message_volume_daily.count + excluded.count`;
});
await bench.sql`analyze`;
const seedMs = performance.now() - seedStarted;
const [counts] = await bench.sql<
  { messages: number; conversations: number; cycles: number; rollup: number }[]
>`
  select (select count(*) from messages)::int as messages, (select count(*) from conversations)::int as conversations,
    (select count(*) from conversation_cycles)::int as cycles, (select count(*) from message_volume_daily)::int as rollup`;

// The report's date ranges end today (UTC), like the reports page's presets.
const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
const ranges = [
  { label: "30 d", days: 30, from: day(29), to: day(0), target: 2000 },
  { label: "180 d", days: 180, from: day(179), to: day(0), target: 5000 },
];
const groupings = ["agent", "team", "number", "label", "day"] as const;
type Case = { name: string; path: string; floor: () => Promise<unknown>; target: number };
const cases: Case[] = [];
for (const r of ranges) {
  for (const g of groupings)
    cases.push({
      name: `${r.label} by ${g}`,
      path: `/api/v1/reports?from=${r.from}&to=${r.to}&group_by=${g}`,
      floor: () => floorSql(r.from, r.to, g),
      target: r.target,
    });
  cases.push({
    name: `${r.label} by agent, bus. hours`,
    path: `/api/v1/reports?from=${r.from}&to=${r.to}&group_by=agent&business_hours=${hours.id}`,
    floor: () => floorSql(r.from, r.to, "agent"),
    target: r.target,
  });
}

// The floor: what any report must at least read, as plain SQL on a separate connection: the volume rollup and
// one aggregate of the cycle rows per group (wall-clock minutes; business hours have no SQL equivalent).
const raw = postgres(bench.pgUrl, { max: CONCURRENCY, onnotice: () => {} });
async function floorSql(from: string, to: string, g: (typeof groupings)[number]) {
  const key = {
    agent: raw`y.assignee_id::text`,
    team: raw`y.team_id::text`,
    number: raw`y.phone_number_id::text`,
    label: raw`cl.label_id::text`,
    day: raw`(y.started_at at time zone 'UTC')::date::text`,
  }[g];
  await raw`select day, source, direction, sum(count)::int from message_volume_daily
    where day >= ${from}::date and day <= ${to}::date and source <> 'history' group by 1, 2, 3`;
  await raw`
    select ${key} as key, count(*),
      avg(extract(epoch from y.first_response_at - y.started_at) / 60),
      percentile_disc(array[0.5, 0.9]) within group (order by extract(epoch from y.first_response_at - y.started_at)),
      avg(extract(epoch from y.resolved_at - y.started_at) / 60),
      percentile_disc(array[0.5, 0.9]) within group (order by extract(epoch from y.resolved_at - y.started_at)),
      avg(extract(epoch from y.resolved_at - y.first_assigned_at) / 60),
      count(*) filter (where y.reopened), count(*) filter (where y.sla_breached), avg(y.csat_score)
    from conversation_cycles y ${g === "label" ? raw`left join conversation_labels cl on cl.conversation_id = y.conversation_id` : raw``}
    where y.started_at >= ${from}::date and y.started_at < ${to}::date + 1
    group by 1`;
}
/** The B figure of T8: a raw 30-day count over messages by day and source, no rollup. */
const rawMessages30 = () => raw`
  select (timestamp at time zone 'UTC')::date, source, count(*) from messages
  where timestamp >= ${day(29)}::date and timestamp < ${day(0)}::date + 1 group by 1, 2`;

async function get(path: string) {
  const res = await fetch(`${base}${path}`, { headers: auth });
  const body = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
}

// Warm-up: Next compiles the route lazily, Postgres loads the cycle pages.
for (const c of cases.slice(0, 2)) await get(c.path);
const results: { c: Case; api: Result; floor: Result }[] = [];
for (const c of cases)
  results.push({ c, api: await measure(() => get(c.path)), floor: await measure(c.floor) });
const rawCount = await measure(rawMessages30);

// Webhook acks: alone, then while reports run back to back at CONCURRENCY (every case in turn).
await webhookStream(3, 2_000_000); // warm-up
const alone = await webhookStream(WEBHOOK_SECONDS, 0);
let stopReports = false;
const underLoad: number[] = [];
let loadErrors = 0;
let turn = 0;
const reportLoop = Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (!stopReports) {
      const c = cases[turn++ % cases.length]!;
      const started = performance.now();
      try {
        await get(c.path);
        underLoad.push(performance.now() - started);
      } catch (error) {
        if (loadErrors++ === 0)
          console.error(`report: ${(error as Error).message} ${String((error as Error).cause ?? "")}`);
      }
    }
  }),
);
const loaded = await webhookStream(WEBHOOK_SECONDS, 1_000_000);
stopReports = true;
await reportLoop;
underLoad.sort((a, b) => a - b);
await raw.end();
await closeDb();
await bench.stop();

const ms = (n: number) => `${fmt(n, n < 100 ? 1 : 0)} ms`;
const apiErrors = results.reduce((n, r) => n + r.api.errors, 0);
const misses = results.filter((r) => r.api.p95 > r.c.target);
console.log(`
reports (BENCHMARKS.md T8) at scale ${SCALE}, ${os.cpus().length} cores, load average ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(" ")}
  seeded ${fmt(counts!.messages)} messages, ${fmt(counts!.conversations)} conversations, ${fmt(counts!.cycles)} cycles, ${fmt(counts!.rollup)} rollup rows in ${fmt(seedMs / 1000, 1)} s
  ${REQUESTS} requests per case at ${CONCURRENCY} concurrent; floor = plain SQL aggregate of the same rollup + cycle rows

  ${"case".padEnd(30)} ${"API p50".padStart(10)} ${"API p95".padStart(10)} ${"SQL p50".padStart(10)} ${"SQL p95".padStart(10)}  ratio p95  target`);
for (const r of results)
  console.log(
    `  ${r.c.name.padEnd(30)} ${ms(r.api.p50).padStart(10)} ${ms(r.api.p95).padStart(10)} ${ms(r.floor.p50).padStart(10)} ${ms(r.floor.p95).padStart(10)}  ${(r.api.p95 / r.floor.p95).toFixed(1).padStart(9)}  ≤ ${r.c.target / 1000} s ${r.api.p95 <= r.c.target ? "ok" : "MISS"}${r.api.errors ? ` (${r.api.errors} errors)` : ""}`,
  );
console.log(`  raw 30-day count over messages (no rollup): p50 ${ms(rawCount.p50)}  p95 ${ms(rawCount.p95)}

webhook acks at ${WEBHOOK_RATE}/s for ${WEBHOOK_SECONDS} s (signed, 75 % statuses / 20 % inbound / 5 % echoes)
  without reports   ${ackLine(alone)}
  with reports      ${ackLine(loaded)}   (${underLoad.length} reports meanwhile, p50 ${ms(percentile(underLoad, 50))} p95 ${ms(percentile(underLoad, 95))}, ${loadErrors} errors)
  Ratio ack p99 with / without ${(loaded.p99 / alone.p99).toFixed(1)}   (T8 pass line: ack p99 ≤ 250 ms while reports run)
`);
process.exit(
  apiErrors || loadErrors || alone.errors || loaded.errors || misses.length || loaded.p99 > 250 ? 1 : 0,
);

type Result = { p50: number; p95: number; n: number; errors: number };

/** REQUESTS calls of `call`, CONCURRENCY at a time; the latency of each. */
async function measure(call: () => Promise<unknown>): Promise<Result> {
  const { latencies, errors } = await closedLoop(call, { clients: CONCURRENCY, calls: REQUESTS });
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), n: latencies.length, errors };
}

function ackLine(a: { sent: number; errors: number; p50: number; p99: number; max: number }) {
  return `p50 ${ms(a.p50)}  p99 ${ms(a.p99)}  max ${ms(a.max)}  (${fmt(a.sent)} acks, ${a.errors} errors)`;
}

/**
 * Request n of the production mix (BENCHMARKS.md: ≈75 % statuses, 20 % inbound, 5 % echoes), as bench/ingest.ts
 * sends it: statuses point at echoes sent earlier in the stream.
 */
function mixBody(n: number): string {
  const p = {
    name: `Ack Customer ${n % 300}`,
    phone: `4478${String(n % 300).padStart(8, "0")}`,
    bsuid: `GB.ack${n % 300}`,
  };
  const timestamp = String(Math.floor(Date.now() / 1000));
  const slot = n % 20;
  if (slot === 0)
    return metaJson(
      messageEcho(biz, p, {
        id: `wamid.ackecho${n}`,
        timestamp,
        content: { type: "text", body: `Reply ${n}` },
      }),
    );
  if (slot <= 4)
    return metaJson(
      inboundMessage(biz, p, {
        id: `wamid.ackin${n}`,
        timestamp,
        content: { type: "text", body: `Question ${n}` },
      }),
    );
  const target = Math.max(0, n - slot - 20 * (slot % 3));
  return metaJson(
    statusUpdate(biz, p, {
      id: `wamid.ackecho${target - (target % 20)}`,
      status: STATUSES[slot % 3]!,
      timestamp,
      sentTo: "phone",
    }),
  );
}

/** Signed webhooks of the production mix at WEBHOOK_RATE for `seconds`, open loop; each request timed on its own. */
async function webhookStream(seconds: number, offset: number) {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(seconds * WEBHOOK_RATE);
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / WEBHOOK_RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = mixBody(offset + i);
    const t0 = performance.now();
    inFlight.push(
      fetch(bench.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, BENCH_SECRET) },
        body,
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200 && errors++ === 0) console.error(`webhook: ${res.status}`);
        })
        .catch((error: unknown) => {
          if (errors++ === 0)
            console.error(`webhook: ${(error as Error).message} ${String((error as Error).cause ?? "")}`);
        })
        .then(() => {
          latencies.push(performance.now() - t0);
        }),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    sent: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
  };
}
