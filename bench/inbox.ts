// `npm run bench:inbox`: the inbox's two hot reads through the real server (BENCHMARKS.md T7, T7b):
// conversation list pages (all open; open + assignee; open + team) and thread pages of a 50,000-message
// thread, at 20 concurrent agents, each beside the same SQL run directly against the same Postgres in the
// same run, at issue 8's scale: 100k conversations / 5 M messages, seeded in about 3 minutes
// (BENCH_SCALE=small: 10k conversations / 140k messages, for a quick look).
import os from "node:os";
import postgres from "postgres";
import { systemActor } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/api-keys";
import { listConversations, listMessages } from "@/lib/conversations";
import { closeDb, getDb, onDatabaseQuery } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { messagePageQuery } from "@/lib/conversations/queries";
import { encodeCursor } from "@/lib/utils/cursor";
import { closedLoop, fmt, percentile, seedInboxAtScale, startBench } from "./support";

const FULL = process.env.BENCH_SCALE !== "small";
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? (FULL ? 100_000 : 10_000));
const THREAD_MESSAGES = Number(process.env.BENCH_THREAD_MESSAGES ?? 50_000);
const MESSAGES = Number(
  process.env.BENCH_MESSAGES ?? (FULL ? 5_000_000 : THREAD_MESSAGES + 9 * CONVERSATIONS),
);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 20;

const bench = await startBench("inbox");
const base = new URL(bench.url).origin;
setRuntimeEnv({ DATABASE_URL: bench.pgUrl });
const { key } = await createApiKey({
  ctx: { actor: systemActor("bench") },
  input: { name: "bench-inbox", role: "admin" },
});
const auth = { authorization: `Bearer ${key}` };

console.log(`seeding ${fmt(CONVERSATIONS)} conversations, ${fmt(MESSAGES)} messages`);
const { bigId, seedMs } = await seedInboxAtScale(bench.sql, {
  conversations: CONVERSATIONS,
  threadMessages: THREAD_MESSAGES,
  messages: MESSAGES,
  log: (line) => console.log(line),
});
const big = { id: bigId };
// The filters' values: the agent and the team with the most open conversations (the longest lists).
const [busiest] = await bench.sql<{ assignee: string; team: string }[]>`
  select (select assignee_id from conversations where status = 'open' and assignee_id is not null
      group by 1 order by count(*) desc limit 1) as assignee,
    (select team_id from conversations where status = 'open' and team_id is not null
      group by 1 order by count(*) desc limit 1) as team`;
const lists: { label: string; query: string; input: { status: "open"; assignee?: string; team?: string } }[] =
  [
    { label: "all open", query: "view=all&status=open", input: { status: "open" } },
    {
      label: "open + assignee",
      query: `view=all&status=open&assignee=${busiest!.assignee}`,
      input: { status: "open", assignee: busiest!.assignee },
    },
    {
      label: "open + team",
      query: `view=all&status=open&team=${busiest!.team}`,
      input: { status: "open", team: busiest!.team },
    },
  ];

// Deep cursors spread through the thread, so pages are not all the newest one.
const cursorRows = await bench.sql<{ id: string; timestamp: Date }[]>`
  select id, timestamp from messages where conversation_id = ${big.id}
  order by timestamp desc, id offset ${Math.floor(THREAD_MESSAGES / 2)} limit 1`;
const deep = encodeCursor({ at: cursorRows[0]!.timestamp.toISOString(), id: cursorRows[0]!.id });

const threadPaths = [
  `/api/v1/conversations/${big.id}/messages?limit=50`,
  `/api/v1/conversations/${big.id}/messages?limit=50&cursor=${deep}`,
];

// The floors: what the endpoints run (list: page + labels, the summary's columns; thread: page + media),
// straight to Postgres.
const raw = postgres(bench.pgUrl, { max: CONCURRENCY, onnotice: () => {} });
const listSql = (filter: { assignee?: string; team?: string }) => async () => {
  const rows = await raw`
    select c.id, c.status, c.team_id, c.assignee_id, c.last_message_at, c.last_message_preview, c.unread_count,
      c.window_expires_at, c.priority, c.snoozed_until, c.waiting_since, c.resolved_at, c.first_response_due_at,
      c.next_response_due_at, c.resolution_due_at, c.sla_breached_at, ct.id, ct.address_book_name,
      ct.profile_name, ct.username, ct.phone, ct.bsuid, n.id, n.display_number, u.name from conversations c
    join contacts ct on ct.id = c.contact_id join phone_numbers n on n.id = c.phone_number_id
    left join users u on u.id = c.assignee_id
    where c.status = 'open'
      ${filter.assignee ? raw`and c.assignee_id = ${filter.assignee}` : raw``}
      ${filter.team ? raw`and c.team_id = ${filter.team}` : raw``}
    order by c.last_message_at desc nulls last, c.id desc limit 51`;
  const ids = rows.map((r) => r.id as string);
  await raw`select cl.conversation_id, l.id, l.name, l.color from conversation_labels cl
    join labels l on l.id = cl.label_id where cl.conversation_id = any(${ids}::uuid[]) order by lower(l.name)`;
};
const pages = [undefined, deep].map((cursor) =>
  messagePageQuery(getDb(), { conversationId: big.id, cursor, limit: 50 }).toSQL(),
);
let turn = 0;
const threadSql = async () => {
  const q = pages[turn++ % pages.length]!;
  const rows = await raw.unsafe(q.sql, q.params as never[]);
  await raw`select * from media where message_id = any(${rows.map((r) => r.id as string)}::uuid[])`;
};

let pathTurn = 0;
const thread = () => get(threadPaths[pathTurn++ % threadPaths.length]!);

// Statements per page (T7 "no N+1"): the server is a child process, so the same verbs its routes call run
// here, in-process, against the same Postgres and filters, counted through the db client's query hook.
const admin = { actor: systemActor("bench") };
const listStatements: number[][] = [];
for (const l of lists)
  listStatements.push(
    await statementsPerPage([10, 50, 100], (limit) =>
      listConversations({ ctx: admin, input: { view: "all", ...l.input, limit } }),
    ),
  );
const threadStatements = await statementsPerPage([10, 50], (limit) =>
  listMessages({ ctx: admin, input: { conversationId: big.id, limit } }),
);
const constant = (counts: number[]) => new Set(counts).size === 1;

// Warm every path (Next compiles routes lazily, Postgres caches pages), then measure each alone.
const loadBefore = os.loadavg();
for (const l of lists) {
  await measure(() => get(`/api/v1/conversations?${l.query}&limit=50`), 2);
  await measure(listSql(l.input), 1);
}
await measure(thread, 2);
await measure(threadSql, 1);
const listResults: { api: Result; floor: Result }[] = [];
for (const l of lists)
  listResults.push({
    api: await measure(() => get(`/api/v1/conversations?${l.query}&limit=50`), SECONDS),
    floor: await measure(listSql(l.input), SECONDS),
  });
const threadResult = await measure(thread, SECONDS);
const threadFloor = await measure(threadSql, SECONDS);
const loadAfter = os.loadavg();
await raw.end();
await closeDb();
await bench.stop();

const line = (label: string, r: Result) =>
  `  ${label.padEnd(30)} p50 ${fmt(r.p50, 1).padStart(7)} ms  p95 ${fmt(r.p95, 1).padStart(7)} ms  p99 ${fmt(r.p99, 1).padStart(7)} ms  (${r.n} requests, ${r.errors} errors)`;
const pass = (ok: boolean) => (ok ? "pass" : "FAIL");
const constancy = (counts: number[]) => (constant(counts) ? "constant" : "NOT constant (N+1)");
const listReport = lists.map((l, i) => {
  const { api, floor } = listResults[i]!;
  return `${line(`List API, ${l.label}`, api)}
${line(`List SQL floor, ${l.label}`, floor)}
  ratio p95 API / SQL ${(api.p95 / floor.p95).toFixed(1)}   T7: API p95 ≤ 150 ms ${pass(api.p95 <= 150)}, p99 ≤ 300 ms ${pass(api.p99 <= 300)}, SQL p95 ≤ 20 ms ${pass(floor.p95 <= 20)}
  queries per page ${listStatements[i]!.join(" / ")} for 10 / 50 / 100 rows: ${constancy(listStatements[i]!)}`;
});
const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(" ");
console.log(`
inbox reads at ${CONCURRENCY} concurrent clients, ${SECONDS} s each, ${os.cpus().length} cores
  seeded ${fmt(CONVERSATIONS)} conversations, ${fmt(MESSAGES)} messages (one thread of ${fmt(THREAD_MESSAGES)}) in ${fmt(seedMs / 1000, 1)} s
  load average ${load(loadBefore)} before measuring, ${load(loadAfter)} after
${listReport.join("\n")}
${line("Thread API (newest + deep)", threadResult)}
${line("Thread SQL floor", threadFloor)}
  ratio p95 API / SQL ${(threadResult.p95 / threadFloor.p95).toFixed(1)}   T7b: API p95 ≤ 150 ms ${pass(threadResult.p95 <= 150)}
  queries per page ${threadStatements.join(" / ")} for 10 / 50 messages: ${constancy(threadStatements)}
`);
const failed =
  [...listResults.map((r) => r.api), threadResult].some((r) => r.errors > 0) ||
  !listStatements.every(constant) ||
  !constant(threadStatements);
process.exit(failed ? 1 : 0);

type Result = { p50: number; p95: number; p99: number; n: number; errors: number };

async function get(path: string) {
  const res = await fetch(`${base}${path}`, { headers: auth });
  const body = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
}

/** Statements one call sends at each page size; counted on a second call so pool connects stay out. */
async function statementsPerPage(limits: number[], call: (limit: number) => Promise<unknown>) {
  const counts: number[] = [];
  for (const limit of limits) {
    await call(limit);
    let n = 0;
    const stop = onDatabaseQuery(() => n++);
    try {
      await call(limit);
    } finally {
      stop();
    }
    counts.push(n);
  }
  return counts;
}

/** `CONCURRENCY` loops calling `call` for `seconds`; latency of each call. */
async function measure(call: () => Promise<unknown>, seconds: number): Promise<Result> {
  const { latencies, errors } = await closedLoop(call, { clients: CONCURRENCY, seconds });
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    n: latencies.length,
    errors,
  };
}
