// `npm run bench:inbox`: the inbox's two hot reads through the real server (BENCHMARKS.md T7, T7b):
// the conversation list page and a thread page of a 50,000-message thread, at 20 concurrent agents,
// each beside the same SQL run directly against the same Postgres in the same run.
import os from "node:os";
import postgres from "postgres";
import { systemActor } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/api-keys";
import { listConversations, listMessages } from "@/lib/conversations";
import { closeDb, getDb, onDatabaseQuery } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { messagePageQuery } from "@/lib/conversations/queries";
import { encodeCursor } from "@/lib/utils/cursor";
import { fmt, percentile, seedInbox, startBench } from "./support";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const THREAD_MESSAGES = Number(process.env.BENCH_THREAD_MESSAGES ?? 50_000);
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

// Seed: contacts + open conversations with denormalized activity, then one long thread.
const { bigId, seedMs } = await seedInbox(bench.sql, {
  conversations: CONVERSATIONS,
  threadMessages: THREAD_MESSAGES,
});
const big = { id: bigId };

// Deep cursors spread through the thread, so pages are not all the newest one.
const cursorRows = await bench.sql<{ id: string; timestamp: Date }[]>`
  select id, timestamp from messages where conversation_id = ${big.id}
  order by timestamp desc, id offset ${Math.floor(THREAD_MESSAGES / 2)} limit 1`;
const deep = encodeCursor({ at: cursorRows[0]!.timestamp.toISOString(), id: cursorRows[0]!.id });

const listPath = "/api/v1/conversations?view=all&status=open&limit=50";
const threadPaths = [
  `/api/v1/conversations/${big.id}/messages?limit=50`,
  `/api/v1/conversations/${big.id}/messages?limit=50&cursor=${deep}`,
];

// The floors: what the endpoints run (list: page + labels; thread: page + media), straight to Postgres.
const raw = postgres(bench.pgUrl, { max: CONCURRENCY, onnotice: () => {} });
const listSql = async () => {
  const rows = await raw`
    select c.*, ct.*, n.display_number, u.name from conversations c
    join contacts ct on ct.id = c.contact_id join phone_numbers n on n.id = c.phone_number_id
    left join users u on u.id = c.assignee_id
    where c.status = 'open' order by c.last_message_at desc nulls last, c.id desc limit 51`;
  const ids = rows.map((r) => r.id as string);
  await raw`select cl.conversation_id, l.id, l.name from conversation_labels cl join labels l on l.id = cl.label_id
    where cl.conversation_id = any(${ids}::uuid[])`;
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
const list = () => get(listPath);
const thread = () => get(threadPaths[pathTurn++ % threadPaths.length]!);

// Statements per page (T7 "no N+1"): the server is a child process, so the same verbs its routes call run
// here, in-process, against the same Postgres and filters, counted through the db client's query hook.
const admin = { actor: systemActor("bench") };
const listStatements = await statementsPerPage([10, 50, 100], (limit) =>
  listConversations({ ctx: admin, input: { view: "all", status: "open", limit } }),
);
const threadStatements = await statementsPerPage([10, 50], (limit) =>
  listMessages({ ctx: admin, input: { conversationId: big.id, limit } }),
);
const constant = (counts: number[]) => new Set(counts).size === 1;

// Warm both paths (Next compiles routes lazily, Postgres caches pages), then measure each alone.
await measure(list, 2);
await measure(thread, 2);
await measure(listSql, 1);
await measure(threadSql, 1);
const results = {
  list: await measure(list, SECONDS),
  listFloor: await measure(listSql, SECONDS),
  thread: await measure(thread, SECONDS),
  threadFloor: await measure(threadSql, SECONDS),
};
await raw.end();
await closeDb();
await bench.stop();

const line = (label: string, r: Result) =>
  `  ${label.padEnd(28)} p50 ${fmt(r.p50, 1).padStart(7)} ms  p95 ${fmt(r.p95, 1).padStart(7)} ms  p99 ${fmt(r.p99, 1).padStart(7)} ms  (${r.n} requests, ${r.errors} errors)`;
console.log(`
inbox reads at ${CONCURRENCY} concurrent clients, ${SECONDS} s each, ${os.cpus().length} cores
  seeded ${fmt(CONVERSATIONS)} conversations and a ${fmt(THREAD_MESSAGES)}-message thread in ${fmt(seedMs / 1000, 1)} s
${line("List API (50 rows)", results.list)}
${line("List SQL floor", results.listFloor)}
  Ratio list p95 API / SQL       ${(results.list.p95 / results.listFloor.p95).toFixed(1)}   (T7 pass line: API p95 ≤ 150 ms)
${line("Thread API (newest + deep)", results.thread)}
${line("Thread SQL floor", results.threadFloor)}
  Ratio thread p95 API / SQL     ${(results.thread.p95 / results.threadFloor.p95).toFixed(1)}   (T7b pass line: API p95 ≤ 150 ms)
  queries per list page          ${listStatements.join(" / ")} for 10 / 50 / 100 rows   ${constant(listStatements) ? "constant" : "NOT constant (N+1)"}
  queries per thread page        ${threadStatements.join(" / ")} for 10 / 50 messages   ${constant(threadStatements) ? "constant" : "NOT constant (N+1)"}   (T7: constant query count per page)
`);
const failed =
  results.list.errors + results.thread.errors > 0 || !constant(listStatements) || !constant(threadStatements);
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
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
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
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    n: latencies.length,
    errors,
  };
}
