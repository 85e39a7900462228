import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { getEnv } from "@/lib/env.js";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

type Handle = { url: string; sql: postgres.Sql };
type Pool = "main" | "receive" | "reports";

// The pools are cached on globalThis, not in module scope: Next bundles route handlers into their own module
// graph, and server.ts, jobs and route handlers in one process should share one pool.
const globalKey = Symbol.for("tandem.db");
const store = globalThis as unknown as { [globalKey]?: Partial<Record<Pool, Handle>> };

// Connections per pool. The webhook ack has its own small pool so it never queues behind long worker
// transactions (a history chunk) in the same process (BENCHMARKS.md T2, T6).
// Reports get their own two connections with a statement timeout, so a heavy report can neither starve
// ingest of connections nor run forever (BENCHMARKS.md T8).
const POOL_SIZE: Record<Pool, number> = { main: 16, receive: 4, reports: 2 };
// postgres.js waits up to 20 s before reconnecting, growing with every failed attempt of the whole pool: after
// a 30 s outage a busy process kept failing requests for 6 s with Postgres back (fault harness, R4). Attempts
// against a down server are cheap refusals (only connections with a query waiting retry), so retry within a
// quarter second: with a 1 s cap, a tab's refetch after the outage waited 0.7-0.8 s for its session check.
// The jitter spreads the processes.
const RECONNECT_BACKOFF_CAP_S = 0.25;
/** Seconds before a pooled connection retries after `retries` failed attempts (postgres.js `backoff`). */
export function reconnectBackoffSeconds(retries: number, random = Math.random()): number {
  return (0.5 + random / 2) * Math.min(0.05 * 2 ** retries, RECONNECT_BACKOFF_CAP_S);
}

// Twice the 180-day target (T8: 5 s): a report slower than that is cut off with a 503, not left to queue the rest.
const REPORT_STATEMENT_TIMEOUT_MS = 10_000;

// Statement listeners: the int test and bench:inbox count the statements one request issues, to prove a page
// costs the same number of queries whatever its size (BENCHMARKS.md T7, no N+1). On globalThis like the pools.
const listenersKey = Symbol.for("tandem.db.queryListeners");
const listenerStore = globalThis as unknown as { [listenersKey]?: Set<(query: string) => void> };
const queryListeners = (listenerStore[listenersKey] ??= new Set());
const emitQuery = (_connection: number, query: string) => {
  for (const listener of queryListeners) listener(query);
};

/**
 * Calls `listener` with the text of every statement any pool sends; returns the unsubscribe.
 * postgres.js's `debug` is switched on only while someone listens: with it on, every query captures a stack
 * and errors carry their parameters as enumerable fields (which a logger would print), so it is off otherwise.
 */
export function onDatabaseQuery(listener: (query: string) => void): () => void {
  queryListeners.add(listener);
  setDebug();
  return () => {
    queryListeners.delete(listener);
    setDebug();
  };
}

/** Connections read `options.debug` per statement sent, so flipping it reaches the open pools too. */
function setDebug() {
  const debug = queryListeners.size > 0 ? emitQuery : false;
  for (const h of Object.values(store[globalKey] ?? {})) h.sql.options.debug = debug;
}

export function databaseUrl(): string {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set and embedded Postgres has not been started");
  return url;
}

export function getDb(): Db {
  return drizzleFor(handle().sql);
}

/** The reports pool: read-heavy queries, isolated from the app's pool and bounded in time. */
export function getReportsDb(): Db {
  return drizzleFor(handle("reports").sql);
}

// The Drizzle wrapper is kept per module graph (module scope), around the shared pool. Next bundles its own
// copy of drizzle-orm with the schema into route handlers; a wrapper made by server.ts's copy failed drizzle's
// `instanceof` on every column of every row and fell back to walking prototype chains: ~12 % of a web
// process's CPU under the inbox's reads (BENCHMARKS.md T7).
const drizzleBySql = new WeakMap<postgres.Sql, Db>();
function drizzleFor(sql: postgres.Sql): Db {
  let db = drizzleBySql.get(sql);
  if (!db) drizzleBySql.set(sql, (db = drizzle(sql, { schema })));
  return db;
}

/** The raw postgres.js client, for the few hot paths that are one fixed statement (webhook receive). */
export function getSql(pool: Pool = "main"): postgres.Sql {
  return handle(pool).sql;
}

export async function closeDb(): Promise<void> {
  const handles = store[globalKey] ?? {};
  delete store[globalKey];
  await Promise.all(Object.values(handles).map((h) => h.sql.end({ timeout: 5 })));
}

function handle(pool: Pool = "main"): Handle {
  const url = databaseUrl();
  const pools = (store[globalKey] ??= {});
  const current = pools[pool];
  if (current && current.url === url) return current;
  if (current) void current.sql.end({ timeout: 5 });
  const sql = postgres(url, {
    max: POOL_SIZE[pool],
    onnotice: () => {},
    // A restarted Postgres must not leave us with dead sockets forever (BENCHMARKS.md R4).
    idle_timeout: 60,
    connect_timeout: 10,
    backoff: reconnectBackoffSeconds,
    debug: queryListeners.size > 0 ? emitQuery : false,
    ...(pool === "reports" ? { connection: { statement_timeout: REPORT_STATEMENT_TIMEOUT_MS } } : {}),
  });
  const created = { url, sql };
  pools[pool] = created;
  return created;
}
