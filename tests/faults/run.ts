// `npm run test:faults [-- --full]`: issue 11's fault harness (BENCHMARKS.md R17, ledger of R4/R5/R17).
// 2 web + 2 worker server.ts processes on one Postgres behind a sticky balancer, the simulator as Meta;
// signed webhooks, REST sends with Idempotency-Key and Socket.io clients while a random web or worker
// process is killed with SIGKILL every few seconds and started again. Then the ledger check; exit 1 if
// it fails. The short form fits in about 3 minutes on 2 cores; --full runs longer with more kills.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { createApiKey } from "@/lib/api-keys";
import { systemActor } from "@/lib/auth/actor";
import { closeDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/db/seed";
import { setRuntimeEnv } from "@/lib/env.js";
import { freePort } from "@/lib/runtime/free-port";
import { stopServerProcess } from "@/tests/support/server-process";
import { sessionFor } from "@/tests/int/session-cookie";
import {
  AUTH_SECRET,
  DEMO_NUMBER,
  killMember,
  memberEnv,
  root,
  SECRET,
  startBalancerProcess,
  startDatabase,
  startMember,
  startSimulatorProcess,
  type Member,
} from "./cluster";
import { LB_COOKIE } from "./lb";
import {
  ackedSimItems,
  checkJobs,
  checkRateLimit,
  checkSends,
  checkSockets,
  checkWebhooks,
  type Check,
} from "./ledger";
import { runSendLoad, runWebhookLoad, startSocketClient, type SocketClient } from "./load";

const { values: args } = parseArgs({
  options: { full: { type: "boolean", default: false } },
  allowPositionals: true,
});
const PLAN = args.full
  ? { loadSeconds: 300, killEveryMs: 10_000, webhookRate: 30, sendsPerSecond: 3, customers: 8, sockets: 4 }
  : { loadSeconds: 70, killEveryMs: 15_000, webhookRate: 15, sendsPerSecond: 2, customers: 4, sockets: 3 };
const SEND_LIMIT = 5; // msg/s on the demo number: the strictest Coexistence case, so the limiter is busy
const CATCH_UP_BUDGET_MS = 2_000;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (line: string) => console.log(`[faults ${elapsed()}] ${line}`);

const logDir = path.join(root, ".test-data", "faults");
fs.rmSync(logDir, { recursive: true, force: true });
fs.mkdirSync(logDir, { recursive: true });

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanup() {
  for (const fn of cleanups.reverse()) await fn().catch((e: Error) => say(`cleanup: ${e.message}`));
}

// The load generator and the socket clients share this process: its event-loop delay is part of every latency
// and catch-up time it reports.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });

async function main(): Promise<boolean> {
  execFileSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  say(
    `${args.full ? "full" : "short"} form: ${PLAN.loadSeconds} s of load, a kill every ${PLAN.killEveryMs / 1000} s, ${os.cpus().length} cores`,
  );

  const db = await startDatabase(() => {});
  cleanups.push(db.stop);
  setRuntimeEnv({ DATABASE_URL: db.url, AUTH_SECRET, META_APP_SECRET: SECRET });
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  cleanups.push(async () => {
    await sql.end();
    await closeDb();
  });
  await seedDemo();
  await sql`update phone_numbers set send_rate_limit = ${SEND_LIMIT} where phone_number_id = ${DEMO_NUMBER.phoneNumberId}`;
  const { key: apiKey } = await createApiKey({
    ctx: { actor: systemActor("faults") },
    input: { name: "fault harness", role: "admin" },
  });
  say(`Postgres ${db.embedded ? "embedded" : "from DATABASE_URL"}, demo workspace seeded`);

  const webPorts = [await freePort(), await freePort()];
  const lb = await startBalancerProcess(webPorts);
  cleanups.push(lb.stop);
  const sim = await startSimulatorProcess(`${lb.url}/api/webhooks/whatsapp`);
  cleanups.push(sim.stop);

  const members: Member[] = [
    ...webPorts.map((port, i) => ({ name: `web${i + 1}`, role: "web" as const, port })),
    { name: "worker1", role: "worker" as const, port: await freePort() },
    { name: "worker2", role: "worker" as const, port: await freePort() },
  ].map((m) => ({ ...m, child: null, logFile: path.join(logDir, `${m.name}-0.log`), kills: [] }));
  const envOf = (m: Member) => memberEnv(m, db.url, db.dataDir, sim.url);
  // The first process alone prepares the fresh database (migrations, demo seed); concurrent starts once
  // deadlocked in pg-boss createQueue, which start-up now runs under an advisory lock.
  await startMember(members[0]!, envOf(members[0]!));
  await Promise.all(members.slice(1).map((m) => startMember(m, envOf(m))));
  cleanups.push(() => Promise.all(members.map((m) => (m.child ? stopServerProcess(m.child) : null))));
  say(`up: ${members.map((m) => `${m.name}:${m.port}`).join(" ")}, balancer ${lb.url}, simulator ${sim.url}`);

  const sticky = await checkStickiness(lb.url);

  // Customers the simulator knows (so sends to them succeed), each opening a conversation with a real inbound.
  const conversationIds: string[] = [];
  for (let i = 0; i < PLAN.customers; i++) {
    const phone = `4476${String(i).padStart(8, "0")}`;
    const customer = await sim.api<{ id: string }>("POST", "/customers", { name: `Send Target ${i}`, phone });
    await sim.api("POST", `/customers/${customer.id}/send`, { type: "text", text: `Hello ${i}` });
    conversationIds.push(
      await waitFor(() => conversationOf(sql, phone), 30_000, `conversation for ${phone}`),
    );
  }

  const [agent] = await sql<{ id: string }[]>`select id from users where email = 'agent1@tandem.example'`;
  const seqs = async () =>
    new Map(
      (await sql<{ id: string; seq: string }[]>`select id, seq from conversations`).map((r) => [
        r.id,
        Number(r.seq),
      ]),
    );
  const sockets: SocketClient[] = [];
  for (let i = 0; i < PLAN.sockets; i++) {
    const { cookie } = await sessionFor(agent!.id, { userAgent: `faults-${i}` });
    sockets.push(startSocketClient({ name: `socket${i + 1}`, url: lb.url, cookie, prefer: i % 2, seqs }));
  }
  cleanups.push(async () => sockets.forEach((s) => s.socket.close()));
  await waitFor(
    async () => sockets.every((s) => s.socket.connected) || undefined,
    30_000,
    "sockets connected",
  );

  // Load and faults together.
  loopDelay.enable();
  let loading = true;
  const until = () => !loading;
  const webhookRun = runWebhookLoad({
    url: `${lb.url}/api/webhooks/whatsapp`,
    rate: PLAN.webhookRate,
    people: 60,
    until,
  });
  const sendRun = runSendLoad({
    url: lb.url,
    apiKey,
    conversationIds,
    perSecond: PLAN.sendsPerSecond,
    until,
  });
  const restarts: Promise<void>[] = [];
  const faultLoop = (async () => {
    let n = 0;
    while (loading) {
      await sleep(PLAN.killEveryMs);
      if (!loading) break;
      // One process of a role down at a time, as R17 kills "one at random".
      const candidates = members.filter(
        (m) => m.child && members.every((o) => o === m || o.role !== m.role || o.child),
      );
      const victim = candidates[Math.floor(Math.random() * candidates.length)];
      if (!victim) continue;
      // Marked down first, as a balancer's failed health check would; the clock starts at the kill itself.
      if (victim.role === "web") await lb.markDown(victim.port).catch(() => {});
      const kill = { at: Date.now(), readyAfterMs: null as number | null };
      victim.kills.push(kill);
      await killMember(victim);
      say(`kill -9 ${victim.name}`);
      victim.logFile = path.join(logDir, `${victim.name}-${++n}.log`);
      restarts.push(
        startMember(victim, envOf(victim))
          // A start that fails (say a deadlock between two starting processes) is reported and tried again.
          .catch((error: Error) => {
            say(
              `${victim.name} failed to start, retrying: ${error.message.split("\n").slice(0, 2).join(" ")}`,
            );
            victim.logFile = path.join(logDir, `${victim.name}-${n}-retry.log`);
            return startMember(victim, envOf(victim));
          })
          .then(() => {
            kill.readyAfterMs = Date.now() - kill.at;
            say(`${victim.name} ready again after ${kill.readyAfterMs} ms`);
          }),
      );
    }
  })();
  await sleep(PLAN.loadSeconds * 1000);
  loading = false;
  await faultLoop;
  const [webhooks, sends] = await Promise.all([webhookRun, sendRun]);
  await Promise.all(restarts);
  say(`load stopped: ${webhooks.posted} webhooks posted, ${sends.keys.size} sends; draining`);

  // Drain: stored events applied, sends settled, the simulator's statuses delivered, then a moment for fan-out.
  await waitFor(
    async () => {
      const [row] = await sql<{ n: number }[]>`
        select (select count(*) from webhook_events where status = 'pending')
             + (select count(*) from outbound_sends where state in ('queued', 'sending')) as n`;
      return Number(row?.n) === 0 || undefined;
    },
    120_000,
    "drain",
  ).catch((e: Error) => say(e.message));
  await sim.api("POST", "/idle", { timeoutMs: 60_000 }).catch(() => {});
  await waitFor(
    async () => {
      const [row] = await sql<
        { n: number }[]
      >`select count(*)::int as n from webhook_events where status = 'pending'`;
      return row?.n === 0 || undefined;
    },
    60_000,
    "drain after the simulator's last statuses",
  ).catch((e: Error) => say(e.message));
  await sleep(2_000);

  // The ledger.
  const deliveries = await sim.api<Parameters<typeof ackedSimItems>[0]>("GET", "/deliveries");
  const items = [...webhooks.acked, ...ackedSimItems(deliveries)];
  const checks: Check[] = [sticky];
  checks.push(...(await checkWebhooks(sql, items)));
  const simSends = await sim.api<{ byCallbackData: Record<string, number>; duplicates: string[] }>(
    "GET",
    "/sends",
  );
  const sendResult = await checkSends(sql, sends, simSends);
  checks.push(...sendResult.checks);
  checks.push(await checkJobs(sql));
  const teamSeqs = new Map(
    (
      await sql<{ id: string; seq: string }[]>`
        select c.id, c.seq from conversations c join team_members tm on tm.team_id = c.team_id
        where tm.user_id = ${agent!.id}`
    ).map((r) => [r.id, Number(r.seq)]),
  );
  const socketResult = checkSockets(sockets, teamSeqs, CATCH_UP_BUDGET_MS);
  checks.push(...socketResult.checks);
  const requests = await sim.api<Parameters<typeof checkRateLimit>[0]>("GET", "/requests?path=/messages");
  checks.push(checkRateLimit(requests, DEMO_NUMBER.phoneNumberId, SEND_LIMIT));

  checks.push(
    await checkMetrics(
      members.filter((m) => m.role === "web").map((m) => m.port),
      apiKey,
    ),
  );

  const messageItems = new Set(items.filter((i) => i.kind === "message").map((i) => i.wamid));
  const lost = await sql<{ n: number }[]>`
    select ${messageItems.size}::int - count(*)::int as n from messages where wamid = any(${[...messageItems]})`;
  const kills = members.flatMap((m) => m.kills.map((k) => ({ name: m.name, ...k })));
  const slowest = kills.reduce((a, k) => Math.max(a, k.readyAfterMs ?? Infinity), 0);
  const ack = [...webhooks.ackLatencies].sort((a, b) => a - b);
  const p = (q: number) => Math.round(ack[Math.min(ack.length - 1, Math.floor(q * ack.length))] ?? 0);

  console.log(`\nLedger (${args.full ? "full" : "short"} form, ${elapsed()})`);
  for (const c of checks) console.log(`  ${c.ok ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
  console.log(`
Summary
  webhooks        ${webhooks.posted} posted, ${webhooks.posted - webhooks.gaveUp} acknowledged (${webhooks.failedAttempts} failed attempts retried, ${webhooks.gaveUp} given up); messages acknowledged ${messageItems.size}, applied ${messageItems.size - (lost[0]?.n ?? 0)}, lost ${lost[0]?.n ?? 0}
  ack latency     through the balancer p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; longest a webhook waited for a 2xx after a failure: ${webhooks.longestOutageMs} ms
  sends           ${sends.keys.size} idempotency keys, duplicate sends ${sendResult.duplicateSends}
  kills           ${kills.length} (${kills.map((k) => k.name).join(", ")}); longest recovery (kill → restarted process ready) ${Number.isFinite(slowest) ? `${slowest} ms` : "never"}
  sockets         longest catch-up after reconnect ${Math.round(socketResult.catchUpMaxMs)} ms; longest reconnect ${Math.round(socketResult.reconnectMaxMs)} ms
  balancer        answered ${JSON.stringify(await lb.answered())}; harness event-loop delay p99 ${Math.round(loopDelay.percentile(99) / 1e6)} ms, max ${Math.round(loopDelay.max / 1e6)} ms
  machine         ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")} (1/5/15 min): figures are only comparable at a similar load
  logs            ${logDir}
`);
  return checks.every((c) => c.ok);
}

/** Each web process's /api/metrics after the run: webhook acks counted there, sockets open, shared figures read. */
async function checkMetrics(ports: number[], apiKey: string): Promise<Check> {
  const figures: string[] = [];
  let ok = true;
  for (const port of ports) {
    const res = await fetch(`http://127.0.0.1:${port}/api/metrics`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
    const acks = value('tandem_webhook_ack_seconds_count\\{code="200"\\}');
    const sockets = value("tandem_websocket_connections");
    const up = value("tandem_database_up");
    ok &&= res.status === 200 && up === 1 && Number.isFinite(sockets);
    figures.push(
      `:${port} ${res.status}, ${Number.isFinite(acks) ? acks : 0} acks since its start, ${sockets} sockets`,
    );
  }
  return { name: "metrics endpoint on every web process", ok, detail: figures.join("; ") };
}

/** Without a cookie the balancer pins; with it every request lands on the same process. */
async function checkStickiness(url: string): Promise<Check> {
  const first = await fetch(`${url}/api/health`);
  const cookie = first.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${LB_COOKIE}=`))
    ?.split(";")[0];
  const backend = first.headers.get("x-tandem-backend");
  const again = await Promise.all(
    Array.from({ length: 5 }, () => fetch(`${url}/api/health`, { headers: { cookie: cookie ?? "" } })),
  );
  const same = again.every((r) => r.headers.get("x-tandem-backend") === backend);
  return {
    name: "balancer pins a client to one web process by cookie",
    ok: Boolean(cookie) && same,
    detail: `${cookie ?? "no cookie"} → ${backend}; ${again.length} follow-ups ${same ? "all there" : "spread"}`,
  };
}

async function conversationOf(sql: postgres.Sql, phone: string) {
  const [row] = await sql<{ id: string }[]>`
    select c.id from conversations c join contacts k on k.id = c.contact_id where k.phone = ${phone}`;
  return row?.id;
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  console.error(`[faults] ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanup();
}
console.log(ok ? "Ledger check passed." : "Ledger check FAILED.");
process.exit(ok ? 0 : 1);
