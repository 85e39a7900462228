// `npm run bench:inbox-live`: webhook → agent live update (BENCHMARKS.md T4). Two web processes on one
// Postgres, 200 agent sockets split over them and one real browser with the inbox open on a conversation;
// signed inbound webhooks at 50 events/s into that conversation and others. Measured from the POST being
// sent to (a) the socket event at each client and (b) the text appearing in the browser's DOM, beside the
// same run's webhook ack time (POST → 2xx), which every live update has to wait for anyway.
import os from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { chromium } from "@playwright/test";
import { io as connect, type Socket } from "socket.io-client";
import { closeDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { freePort } from "@/lib/runtime/free-port";
import { inboundMessage, type Person } from "@/lib/simulator/payloads";
import { metaJson, signBody } from "@/lib/simulator/sign";
import { chromiumArgs, findChromium } from "@/e2e/browser";
import { sessionFor } from "@/tests/int/session-cookie";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";
import { BENCH_SECRET, biz, fmt, percentile, seedInbox, startBench } from "./support";

// The sockets run in a worker thread, so that their event handling does not delay the sender's clock.
if (!isMainThread) await socketWorker(workerData as { origins: string[]; cookies: string[] });

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 3;
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const AUTH_SECRET = "bench-auth-secret-0123456789abcdefghijkl";
// Every fifth event goes to the conversation open in the browser, the rest to 50 other customers.
const OPEN_EVERY = 5;
const watched: Person = { name: "Live Watched", phone: "4479900000000", bsuid: "GB.livewatched" };
const others: Person[] = Array.from({ length: 50 }, (_, i) => ({
  name: `Live Customer ${i}`,
  phone: `4479910${String(i).padStart(6, "0")}`,
  bsuid: `GB.live${i}`,
}));

// BENCH_LOG_DIR=dir: both web processes' output (a pino line with `ms` per request) goes to dir/web-{a,b}.log.
const logDir = process.env.BENCH_LOG_DIR;
const bench = await startBench("inbox-live", undefined, logDir ? { logFile: `${logDir}/web-a.log` } : {});
const originA = new URL(bench.url).origin;
const { seedMs } = await seedInbox(bench.sql, { conversations: CONVERSATIONS, threadMessages: 1_000 });
// The second web process: same database and secrets, no workers of its own (the first one applies).
const portB = await freePort();
const { child: webB } = await startServerProcess(
  {
    NODE_ENV: "production",
    DATABASE_URL: bench.pgUrl,
    PORT: String(portB),
    META_APP_SECRET: BENCH_SECRET,
    META_VERIFY_TOKEN: "bench-verify-token",
    AUTH_SECRET,
    ROLE: "web",
    GRAPH_API_BASE: "http://127.0.0.1:9",
  },
  logDir ? { logFile: `${logDir}/web-b.log` } : {},
);
const originB = `http://127.0.0.1:${portB}`;
const origins = [originA, originB];

setRuntimeEnv({ DATABASE_URL: bench.pgUrl, AUTH_SECRET });
const [admin] = await bench.sql<{ id: string }[]>`select id from users where email = 'admin@tandem.example'`;
if (!admin) throw new Error("the demo seed made no admin");

// POST → 2xx of every webhook (the same-run limit), and when each wamid was sent.
const sentAt = new Map<string, number>();
const acks: number[] = [];
let postErrors = 0;
const now = () => String(Math.floor(Date.now() / 1000));
async function post(i: number, person: Person, origin: string) {
  const wamid = `wamid.live${i}`;
  const body = metaJson(
    inboundMessage(biz, person, {
      id: wamid,
      timestamp: now(),
      content: { type: "text", body: `livebench-${i}- question for the team` },
    }),
  );
  const t0 = Date.now();
  sentAt.set(wamid, t0);
  try {
    const res = await fetch(`${origin}/api/webhooks/whatsapp`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, BENCH_SECRET) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    if (res.status >= 300) postErrors += 1;
    else if (i >= 0) acks.push(Date.now() - t0);
  } catch {
    postErrors += 1;
  }
}

// The watched conversation exists before the browser opens it.
await post(-1, watched, originA);
const watchedId = await waitFor<string>(async () => {
  const [row] = await bench.sql<{ id: string }[]>`
    select c.id from conversations c join contacts ct on ct.id = c.contact_id where ct.phone = ${watched.phone!}`;
  return row?.id;
}, 30_000);
for (const [j, p] of others.entries()) await post(-2 - j, p, originA);

// 200 sockets, alternating between the two processes; each records when each message's event arrived.
const cookies: string[] = [];
for (let i = 0; i < SOCKETS; i++)
  cookies.push((await sessionFor(admin.id, { userAgent: `inbox-live-${i}` })).cookie);
// A worker does not inherit tsx's loader from --import on Node 20: it loads this file through tsx's API.
const sockets = new Worker(
  `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => tsx.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`,
  { eval: true, workerData: { origins, cookies } },
);
await new Promise<void>((resolve, reject) => {
  sockets.once("message", () => resolve());
  sockets.once("error", reject);
});

// One real browser on process A with the watched conversation open. A MutationObserver records, at the
// next animation frame (the paint the agent sees), when each token first shows up in the thread or the list.
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const { cookie: browserCookie } = await sessionFor(admin.id, { userAgent: "inbox-live-browser" });
const [cookieName, cookieValue] = browserCookie.split(/=(.*)/s) as [string, string];
await context.addCookies([{ name: cookieName, value: cookieValue, url: originA }]);
// tsx keeps function names with a `__name` helper that functions shipped to the page would miss.
// Resource Timing keeps 250 entries by default: room for every fetch of the run.
await context.addInitScript({
  content: "globalThis.__name = (f) => f; performance.setResourceTimingBufferSize(1000000);",
});
const page = await context.newPage();
await page.goto(`${originA}/inbox?c=${watchedId}`);
await page.getByTestId("thread").getByText("livebench--1-").first().waitFor({ timeout: 60_000 });
// The page's API fetches from here on, by kind: every socket nudge costs a refetch, and a run where the
// browser painted little or nothing shows why (fetches superseded before they land, queued behind one
// another on the browser's six connections to the server, or refused: net::ERR_INSUFFICIENT_RESOURCES).
type Fetches = { sent: number; done: number; ms: number[]; failed: Map<string, number> };
const fetches = {
  // The open thread's live catch-up (…/messages?after=): only the messages after the newest one it holds.
  catchUp: { sent: 0, done: 0, ms: [], failed: new Map() } as Fetches,
  thread: { sent: 0, done: 0, ms: [], failed: new Map() } as Fetches,
  list: { sent: 0, done: 0, ms: [], failed: new Map() } as Fetches,
  other: { sent: 0, done: 0, ms: [], failed: new Map() } as Fetches,
};
const fetchKind = (url: string) =>
  /\/api\/v1\/conversations\/[^/?]+\/messages\?(.*&)?after=/.test(url)
    ? fetches.catchUp
    : /\/api\/v1\/conversations\/[^/?]+\/messages/.test(url)
      ? fetches.thread
      : /\/api\/v1\/conversations\?/.test(url)
        ? fetches.list
        : url.includes("/api/")
          ? fetches.other
          : undefined;
page.on("request", (r) => {
  const f = fetchKind(r.url());
  if (f) f.sent += 1;
});
page.on("requestfinished", (r) => {
  const f = fetchKind(r.url());
  if (!f) return;
  f.done += 1;
  // From the page asking (queueing included) to the last byte.
  f.ms.push(r.timing().responseEnd);
});
page.on("requestfailed", (r) => {
  const f = fetchKind(r.url());
  const error = r.failure()?.errorText ?? "unknown";
  if (f) f.failed.set(error, (f.failed.get(error) ?? 0) + 1);
});
await page.evaluate(() => {
  const seen: Record<string, { at: number; where: string }> = {};
  (window as unknown as { __live: typeof seen }).__live = seen;
  const scan = (node: Node) => {
    const text = node.textContent ?? "";
    if (!text.includes("livebench-")) return;
    const el = node instanceof Element ? node : node.parentElement;
    const where = el?.closest('[data-testid="thread"]')
      ? "thread"
      : el?.closest('[data-testid="conversation-list"]')
        ? "list"
        : "other";
    const tokens = [...text.matchAll(/livebench-(\d+)-/g)].map((m) => m[1]!);
    const fresh = tokens.filter((t) => !seen[`${where}:${t}`]);
    if (fresh.length === 0) return;
    requestAnimationFrame(() => {
      const at = performance.timeOrigin + performance.now();
      for (const t of fresh) seen[`${where}:${t}`] ??= { at, where };
    });
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "characterData") scan(m.target);
      for (const n of m.addedNodes) scan(n);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
});

// Event-loop delay per web process over the measured window: prom-client's histogram restarts at each scrape.
const eventLoop = async () =>
  Promise.all(
    origins.map(async (origin) => {
      const res = await fetch(`${origin}/api/metrics`, { headers: { cookie: browserCookie } }).catch(
        () => null,
      );
      const text = (await res?.text().catch(() => "")) ?? "";
      const gauge = (name: string) =>
        1000 *
        Number(new RegExp(`^tandem_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, "m").exec(text)?.[1]);
      return { p50: gauge("p50"), p99: gauge("p99"), max: gauge("max") };
    }),
  );

// Open loop at RATE; the first WARMUP_SECONDS are sent but not counted.
const inFlight: Promise<void>[] = [];
const total = (WARMUP_SECONDS + SECONDS) * RATE;
const warmupCount = WARMUP_SECONDS * RATE;
const startedAt = performance.now();
let measuredFrom = Infinity;
for (let i = 0; i < total; i++) {
  if (i === warmupCount) {
    measuredFrom = Date.now();
    // Not awaited: the send schedule is not held up by the scrape.
    void eventLoop();
  }
  const wait = startedAt + (i * 1000) / RATE - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const person = i % OPEN_EVERY === 0 ? watched : others[i % others.length]!;
  inFlight.push(post(i, person, origins[i % 2]!));
}
await Promise.all(inFlight);
const lag = await eventLoop();
// Wait for every event to be applied (up to 60 s), then 3 s for the last live updates to land; what is
// still missing after that is counted as missed.
const applyDeadline = Date.now() + 60_000;
let applied = 0;
while (Date.now() < applyDeadline) {
  const [row] = await bench.sql<{ applied: number }[]>`
    select count(*)::int as applied from messages where wamid like 'wamid.live%' and wamid not like 'wamid.live-%'`;
  applied = row!.applied;
  if (applied >= total) break;
  await new Promise((r) => setTimeout(r, 250));
}
const drainedAfterMs = Date.now() - (sentAt.get(`wamid.live${total - 1}`) ?? Date.now());
await new Promise((r) => setTimeout(r, 3_000));

const messageRows = await bench.sql<{ id: string; wamid: string; created_at: Date }[]>`
  select id, wamid, created_at from messages where wamid like 'wamid.live%'`;
const indexOf = (wamid: string) => Number(wamid.slice("wamid.live".length));
const socketMs: number[] = [];
// From the applying transaction's now() to the socket event: the fan-out part of the latency alone.
const fanoutMs: number[] = [];
let socketMissed = 0;
const counted = messageRows.filter((r) => indexOf(r.wamid) >= warmupCount);
sockets.postMessage("stop");
const seenBy = await new Promise<Map<string, number>[]>((resolve) => sockets.once("message", resolve));
for (const seen of seenBy) {
  for (const row of counted) {
    const at = seen.get(row.id);
    if (at === undefined) socketMissed += 1;
    else {
      socketMs.push(at - sentAt.get(row.wamid)!);
      fanoutMs.push(at - row.created_at.getTime());
    }
  }
}
const dom = await page.evaluate(
  () => (window as unknown as { __live: Record<string, { at: number; where: string }> }).__live,
);
const threadMs: number[] = [];
let threadMissed = 0;
for (let i = warmupCount; i < total; i += OPEN_EVERY) {
  const seen = dom[`thread:${i}`];
  if (seen) threadMs.push(seen.at - sentAt.get(`wamid.live${i}`)!);
  else threadMissed += 1;
}
// The catch-up fetches of the measured window as Resource Timing saw them: queueing in the browser (waiting
// for one of its six connections), then request → first byte, and the server's own Server-Timing phases.
const catchUpTimings = await page.evaluate((from) => {
  return performance
    .getEntriesByType("resource")
    .filter(
      (e): e is PerformanceResourceTiming =>
        /\/api\/v1\/conversations\/[^/?]+\/messages\?(.*&)?after=/.test(e.name) &&
        performance.timeOrigin + e.startTime >= from,
    )
    .map((e) => ({
      total: e.responseEnd - e.startTime,
      queued: e.requestStart - e.startTime,
      firstByte: e.responseStart - e.requestStart,
      server: Object.fromEntries(e.serverTiming.map((t) => [t.name, t.duration])),
    }));
}, measuredFrom);
const listMs = Object.entries(dom)
  .filter(([key, v]) => v.where === "list" && Number(key.split(":")[1]) >= warmupCount)
  .map(([key, v]) => v.at - sentAt.get(`wamid.live${key.split(":")[1]}`)!);
const load = os.loadavg().map((n) => n.toFixed(2));

await sockets.terminate();
await browser.close();
await closeDb();
await stopServerProcess(webB);
await bench.stop();

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), n: s.length };
};
const ack = stats(acks);
// No samples is said as such, not printed as a 0 ms latency.
const line = (label: string, r: ReturnType<typeof stats>, extra = "") =>
  r.n === 0
    ? `  ${label.padEnd(34)} ${"no samples".padEnd(47)} (0 samples${extra})`
    : `  ${label.padEnd(34)} p50 ${fmt(r.p50).padStart(6)} ms  p95 ${fmt(r.p95).padStart(6)} ms  p99 ${fmt(r.p99).padStart(6)} ms  (${fmt(r.n)} samples${extra})`;
const fetchLine = (label: string, f: Fetches) => {
  const failed = [...f.failed].map(([error, n]) => `${fmt(n)} × ${error}`).join(", ") || "0 failed";
  return line(label, stats(f.ms), `; ${fmt(f.sent)} sent, ${fmt(f.done)} done, ${failed}`);
};
const socket = stats(socketMs);
const thread = stats(threadMs);
const serverPart = (name: string) =>
  catchUpTimings.flatMap((t) => (name in t.server ? [t.server[name]!] : []));
// In the route but in neither phase: the event loop busy with others between the two.
const betweenPhases = catchUpTimings.flatMap(({ server: { total, auth, handler } }) =>
  total !== undefined ? [total - (auth ?? 0) - (handler ?? 0)] : [],
);
// Network, Next.js routing and the wait for the event loop before and after the route's own code.
const outsideRoute = catchUpTimings.flatMap((t) =>
  "total" in t.server ? [t.firstByte - t.server.total!] : [],
);
console.log(`
webhook → live update at ${RATE} events/s for ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), ${SOCKETS} sockets on 2 web processes + 1 browser, ${os.cpus().length} cores, load ${load.join(" ")}
  seeded ${fmt(CONVERSATIONS)} conversations in ${fmt(seedMs / 1000, 1)} s; every ${OPEN_EVERY}th event into the conversation open in the browser
  applied ${fmt(applied)} of ${fmt(total)} messages; the last one ${fmt(drainedAfterMs)} ms after its POST
${line("Webhook ack (POST → 2xx)", ack, `, ${postErrors} errors`)}
${line("POST → socket event (each client)", socket, `, ${fmt(socketMissed)} missed`)}
${line("applied (tx start) → socket event", stats(fanoutMs))}
${line("POST → text painted in thread", thread, `, ${threadMissed} missed`)}
${line("POST → text painted in list row", stats(listMs))}
${fetchLine("browser fetch: thread catch-up", fetches.catchUp)}
${fetchLine("browser fetch: thread page", fetches.thread)}
${fetchLine("browser fetch: list page", fetches.list)}
${fetchLine("browser fetch: other API", fetches.other)}
  catch-up fetch by Resource Timing (start → last byte) and its parts:
${line("  total", stats(catchUpTimings.map((t) => t.total)))}
${line("  queued in browser (→ request)", stats(catchUpTimings.map((t) => t.queued)))}
${line("  request → first byte", stats(catchUpTimings.map((t) => t.firstByte)))}
${line("  server total (Server-Timing)", stats(serverPart("total")))}
${line("  server: auth", stats(serverPart("auth")))}
${line("  server: handler", stats(serverPart("handler")))}
${line("  server: between the phases", stats(betweenPhases))}
${line("  first byte − server total", stats(outsideRoute))}
  event-loop delay over the window, web A (browser, ingest) / web B: p50 ${lag.map((l) => fmt(l.p50, 1)).join(" / ")} ms, p99 ${lag.map((l) => fmt(l.p99, 1)).join(" / ")} ms, max ${lag.map((l) => fmt(l.max)).join(" / ")} ms
  Ratio socket p95 / ack p95          ${(socket.p95 / Math.max(1, ack.p95)).toFixed(1)}   (T4 pass line: p95 ≤ 500 ms, p99 ≤ 1 s)
  Ratio browser p95 / ack p95         ${(thread.p95 / Math.max(1, ack.p95)).toFixed(1)}
  The sockets, the sender and the browser share these ${os.cpus().length} cores with both servers and Postgres.
`);
process.exit(postErrors + socketMissed + threadMissed > 0 || applied < total ? 1 : 0);

async function waitFor<T>(check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${ms} ms`);
}

/** Worker thread: every socket on its process (alternating), recording when each message's event arrived. */
async function socketWorker(data: { origins: string[]; cookies: string[] }): Promise<never> {
  const clients = data.cookies.map((cookie, i) => {
    const seen = new Map<string, number>();
    const socket: Socket = connect(data.origins[i % data.origins.length]!, {
      path: "/socket.io",
      transports: ["websocket"],
      extraHeaders: { cookie },
    });
    socket.on("conversation.changed", (e: { message_id?: string; reason: string }) => {
      if (e.reason === "message" && e.message_id && !seen.has(e.message_id))
        seen.set(e.message_id, Date.now());
    });
    return { socket, seen };
  });
  await waitFor(async () => clients.every((c) => c.socket.connected) || undefined, 60_000);
  parentPort!.postMessage("ready");
  parentPort!.once("message", () => {
    for (const c of clients) c.socket.close();
    parentPort!.postMessage(clients.map((c) => c.seen));
  });
  return new Promise<never>(() => {});
}
