// `npm run bench:send`: the outbound queue against its own ceiling, the configured per-number limit
// (BENCHMARKS.md T5–T5d). Three worker processes (ROLE=worker) share one Postgres and send to the simulator,
// which enforces Meta's throughput rule itself and answers 130429 above it. Phases:
//   limit 5, 20 and 80 msg/s: a backlog drained for BENCH_SECONDS each → sustained rate, the busiest 1 s
//   window (must never exceed the limit), 130429 count;
//   latency: sends at half the limit → enqueue → Graph request start p50/p95;
//   campaign: a real campaign of BENCH_CAMPAIGN (10,000) opted-in recipients on the 80 msg/s number, an
//   approved MARKETING template synced from the simulator's WABA, created and started through lib/campaigns; its
//   runner (campaign.run steps, campaign.tick) works in the worker processes as in production → from start to
//   the last send the simulator accepted, vs floor.
// The backlogs are queued as the campaign runner queues them: one step of CAMPAIGN_BATCH sends at a time through
// sendMessageBatch. Bot sends (latency) go one by one via sendMessage.
// Knobs: BENCH_LIMITS (5,20,80; empty for none), BENCH_SECONDS (20), BENCH_CAMPAIGN (10,000; 0 for none),
// BENCH_WORKERS (3), BENCH_SEND_LOG (file prefix).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { systemActor } from "@/lib/auth/actor";
import { closeDb } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { setRuntimeEnv } from "@/lib/env.js";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { createCampaign, getCampaignReport, startCampaign } from "@/lib/campaigns";
import { recordConsent } from "@/lib/consent";
import { sendMessage, sendMessageBatch } from "@/lib/messaging";
import { addNumber } from "@/lib/numbers";
import { syncTemplates } from "@/lib/templates";
import { freePort } from "@/lib/runtime/free-port";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";
import { prioritizeSimulator } from "@/tests/faults/cluster";
import { BENCH_SECRET, fmt, percentile, root } from "./support";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CAMPAIGN = Number(process.env.BENCH_CAMPAIGN ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 3);
// BENCH_LIMITS= (empty) runs no backlog phase: only the latency and campaign phases.
const LIMITS = (process.env.BENCH_LIMITS ?? "5,20,80")
  .split(",")
  .filter((l) => l.trim() !== "")
  .map(Number) as (5 | 20 | 80)[];
const ENQUEUE_CONCURRENCY = 8;
// lib/campaigns/run-campaign.ts BATCH_SIZE: what one campaign step queues.
const CAMPAIGN_BATCH = 50;
const ctx = { actor: systemActor("bench") };
const SIM_NUMBERS = [5, 20, 80].map((limit) => ({
  wabaId: "300000000000001",
  phoneNumberId: `1300000000000${String(limit).padStart(2, "0")}`,
  displayNumber: `1555013${String(limit).padStart(4, "0")}`,
  coexistence: limit !== 80,
}));

type SimRequest = {
  id: number;
  at: number;
  method: string;
  path: string;
  status: number;
  body?: { type?: string; biz_opaque_callback_data?: string };
  response?: { error?: { code?: number } };
};

let simUrl = "";
async function simApi(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${simUrl}/sim/api${route}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function startSimulatorProcess() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "lib/simulator/main.ts",
      "--port",
      String(port),
      "--app-url",
      "http://127.0.0.1:9/unused",
      "--secret",
      BENCH_SECRET,
      "--token",
      "simulator-token",
      "--numbers",
      JSON.stringify(SIM_NUMBERS),
      "--empty",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  prioritizeSimulator(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Cloud API simulator on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  simUrl = `http://127.0.0.1:${port}`;
  return { url: simUrl, child };
}

type Number_ = { id: string; pnid: string };

/** The machine is shared: the figures are read against its load (1, 5, 15 min). */
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

async function main() {
  const dataDir = path.join(root, ".test-data", "bench-send");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres({ dataDir });
  await runMigrations(pg.url);
  // The simulator runs in its own process, as Meta would: its clock and its 130429 check must not share an
  // event loop with the enqueueing side of the benchmark.
  const sim = await startSimulatorProcess();
  // Statuses are not what this measures; leaving them out keeps CPU for the send path.
  await simApi("POST", "/config", { statusPlan: [] });
  setRuntimeEnv({
    DATABASE_URL: pg.url,
    GRAPH_API_BASE: sim.url,
    AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijkl",
  });
  const sql = postgres(pg.url, { max: 4, onnotice: () => {} });

  const numbers: Record<5 | 20 | 80, Number_> = {
    5: { id: "", pnid: "" },
    20: { id: "", pnid: "" },
    80: { id: "", pnid: "" },
  };
  for (const limit of [5, 20, 80] as const) {
    const pnid = `1300000000000${String(limit).padStart(2, "0")}`;
    const row = await addNumber({
      ctx,
      input: {
        wabaId: "300000000000001",
        phoneNumberId: pnid,
        displayNumber: `1555013${String(limit).padStart(4, "0")}`,
        coexistence: limit !== 80,
      },
    });
    if (limit === 5) await sql`update phone_numbers set send_rate_limit = 5 where id = ${row.id}`;
    numbers[limit] = { id: row.id, pnid };
  }

  const workers = [];
  const slotReport = {
    unused: 0,
    taken: 0,
    extended: 0,
    idle: 0,
    late: 0,
    lateMs: 0,
    maxLateMs: 0,
    unaccounted: 0,
  };
  for (let i = 0; i < WORKERS; i++) {
    const { child } = await startServerProcess({
      NODE_ENV: "production",
      ROLE: "worker",
      DATABASE_URL: pg.url,
      PORT: String(await freePort()),
      META_APP_SECRET: BENCH_SECRET,
      META_VERIFY_TOKEN: "bench-verify-token",
      AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijkl",
      SEED_DEMO: "0",
      GRAPH_API_BASE: sim.url,
    });
    workers.push(child);
    // Where the limiter's slots went (lib/messaging/deliver.ts reports every 30 s): unused (woke too late),
    // pushed back (extended), taken at an idle key (the queue did not keep up), and requests whose bytes left
    // after their window (accounted after the fact): what the exact limit costs on a loaded machine.
    child.stderr!.on("data", (chunk: Buffer) => {
      for (const m of chunk
        .toString()
        .matchAll(
          /number slots unused: (\d+) of (\d+)[^;]*; extended (\d+), idle (\d+); late requests (\d+) \((\d+) ms in all, max (\d+) ms, unaccounted (\d+)\)/g,
        )) {
        const [unused, taken, extended, idle, late, lateMs, maxLateMs, unaccounted] = m.slice(1).map(Number);
        slotReport.unused += unused!;
        slotReport.taken += taken!;
        slotReport.extended += extended!;
        slotReport.idle += idle!;
        slotReport.late += late!;
        slotReport.lateMs += lateMs!;
        slotReport.maxLateMs = Math.max(slotReport.maxLateMs, maxLateMs!);
        slotReport.unaccounted += unaccounted!;
      }
    });
  }
  await startBoss({ worker: false });
  console.log(
    `bench:send — ${WORKERS} worker processes on one Postgres; simulator enforces Meta's limits; load average ${loadAverage()}\n`,
  );

  let customerSeq = 0;
  /** Conversations with an open window on a number, straight into the tables (the ingest path is benched elsewhere). */
  async function conversations(number: Number_, count: number): Promise<string[]> {
    return (await customers(number, count)).conversationIds;
  }
  async function customers(number: Number_, count: number) {
    const rows = Array.from({ length: count }, () => ({
      phone: `4478${String(customerSeq++).padStart(8, "0")}`,
    }));
    const ids: string[] = [];
    const contactIds: string[] = [];
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      const contacts = await sql<{ id: string }[]>`
        insert into contacts ${sql(batch.map((r) => ({ waba_id: "300000000000001", phone: r.phone })))} returning id`;
      const convs = await sql<{ id: string }[]>`
        insert into conversations ${sql(
          contacts.map((c) => ({
            contact_id: c.id,
            phone_number_id: number.id,
            window_expires_at: new Date(Date.now() + 86_400_000).toISOString(),
          })),
        )} returning id`;
      ids.push(...convs.map((c) => c.id));
      contactIds.push(...contacts.map((c) => c.id));
    }
    return { conversationIds: ids, contactIds };
  }

  /** Queues one text per conversation through the real verb, `ENQUEUE_CONCURRENCY` at a time, optionally paced. */
  async function enqueue(conversationIds: string[], source: "bot" | "campaign", perSecond?: number) {
    if (source === "campaign" && !perSecond) {
      // One runner, one step after another, as a campaign is queued.
      for (let i = 0; i < conversationIds.length; i += CAMPAIGN_BATCH) {
        const outcomes = await sendMessageBatch({
          ctx,
          input: {
            source,
            sends: conversationIds.slice(i, i + CAMPAIGN_BATCH).map((conversationId, k) => ({
              conversationId,
              idempotencyKey: crypto.randomUUID(),
              message: { type: "text", text: `Bench message ${i + k}` },
            })),
          },
        });
        const failed = outcomes.find((o) => "error" in o);
        if (failed && "error" in failed) throw failed.error;
      }
      return;
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: ENQUEUE_CONCURRENCY }, async () => {
        for (let i = next++; i < conversationIds.length; i = next++) {
          if (perSecond) {
            const due = started + (i / perSecond) * 1000;
            const wait = due - performance.now();
            if (wait > 0) await sleep(wait);
          }
          await sendMessage({
            ctx,
            input: {
              conversationId: conversationIds[i]!,
              idempotencyKey: crypto.randomUUID(),
              message: { type: "text", text: `Bench message ${i}` },
              source,
            },
          });
        }
      }),
    );
  }

  let lastRequestId = 0;
  const requests: SimRequest[] = [];
  async function waitSettled(count: number, since: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (let polls = 0; ; polls++) {
      // The simulator keeps only its newest 20,000 requests: a long run (BENCH_SECONDS=300 at 80 msg/s is
      // 30,000 sends) is read as it goes.
      if (polls % 10 === 9) await pullRequests();
      const [row] = await sql<{ open: number }[]>`
        select count(*)::int as open from outbound_sends where created_at >= ${new Date(since).toISOString()}
          and state in ('queued', 'sending')`;
      if (row!.open === 0) return;
      if (Date.now() > deadline) throw new Error(`${row!.open} of ${count} sends still open`);
      await sleep(200);
    }
  }

  /** The simulator's log of Graph calls, fetched incrementally (it keeps only the newest 20,000). */
  async function pullRequests() {
    const fresh = (await simApi("GET", `/requests?since=${lastRequestId}&path=/messages`)) as SimRequest[];
    for (const r of fresh) {
      lastRequestId = Math.max(lastRequestId, r.id);
      const { type, biz_opaque_callback_data } = r.body ?? {};
      const code = r.response?.error?.code;
      // Only what the figures need: tens of thousands of full request logs would crowd this process.
      requests.push({
        id: r.id,
        at: r.at,
        method: r.method,
        path: r.path,
        status: r.status,
        body: { type, biz_opaque_callback_data },
        ...(code !== undefined ? { response: { error: { code } } } : {}),
      });
    }
  }
  async function sends(pnid: string, since: number): Promise<SimRequest[]> {
    await pullRequests();
    return requests.filter(
      (r) => r.at >= since && r.method === "POST" && r.path.endsWith(`/${pnid}/messages`) && r.body?.type,
    );
  }

  const results: string[] = [];
  for (const limit of LIMITS) {
    const number = numbers[limit];
    // A backlog a quarter larger than the measured window drains, so the window is all steady state: the
    // ramp-up is inside it, the tail (the last stragglers) is reported on its own.
    const total = Math.ceil(limit * SECONDS * 1.25);
    const ids = await conversations(number, total);
    const since = Date.now();
    await enqueue(ids, "campaign");
    await waitSettled(total, since, SECONDS * 5000 + 60_000);
    const log = await sends(number.pnid, since);
    // BENCH_SEND_LOG=<prefix>: the simulator's view of every call ([at, status, error code]) for a closer look.
    if (process.env.BENCH_SEND_LOG)
      fs.writeFileSync(
        `${process.env.BENCH_SEND_LOG}-${limit}.json`,
        JSON.stringify(
          log.map((r) => [r.at, r.status, (r.response as { error?: { code?: number } })?.error?.code ?? 0]),
        ),
      );
    const ok = log
      .filter((r) => r.status === 200)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const limited = log.filter(
      (r) => (r.response as { error?: { code?: number } })?.error?.code === 130429,
    ).length;
    // Each refused send goes back to the queue as a new job: jobs per send shows how much of the queue's
    // work was waiting rather than sending (1.0 = none).
    const [jobs] = await sql<{ n: number }[]>`
      select count(*)::int as n from pgboss.job where name = 'message.send' and created_on >= ${new Date(since).toISOString()}`;
    const windowEnd = ok[0]! + SECONDS * 1000;
    const inWindow = ok.filter((at) => at < windowEnd).length;
    const rate = inWindow / SECONDS;
    const drain = (ok.at(-1)! - ok[0]!) / 1000;
    const busiest = busiestWindow(ok);
    results.push(
      `T5  limit ${String(limit).padStart(2)} msg/s: ${fmt(inWindow)} sent in the first ${SECONDS} s = ${fmt(rate, 2)} msg/s, ratio ${fmt(rate / limit, 3)}; all ${fmt(ok.length)} drained in ${fmt(drain, 1)} s (floor ${fmt((ok.length - 1) / limit, 1)} s); busiest 1 s window ${busiest} (limit ${limit}); 130429 × ${limited}; send jobs per send ${fmt(jobs!.n / Math.max(1, ok.length), 2)}`,
    );
    console.log(results.at(-1));
  }

  // The slot report up to here is the backlogs' (reports lag by up to 30 s); T5d's sends all find idle keys.
  const backlogSlots = { ...slotReport };

  // T5d: under the limit, how long from the API call to the Graph request.
  {
    const number = numbers[20];
    const ids = await conversations(number, 10 * Math.min(SECONDS, 20));
    const since = Date.now();
    await enqueue(ids, "bot", 10);
    await waitSettled(ids.length, since, 60_000);
    const created = new Map(
      (
        await sql<{ id: string; created_at: Date }[]>`
          select id, created_at from messages where created_at >= ${new Date(since).toISOString()} and direction = 'outbound'`
      ).map((m) => [m.id, m.created_at.getTime()]),
    );
    const latencies = (await sends(number.pnid, since))
      .map((r) => {
        const cb = (r.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data ?? "";
        const at = created.get(cb.replace("tandem:", ""));
        return at === undefined ? null : r.at - at;
      })
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    results.push(
      `T5d enqueue → Graph request at 10 msg/s (limit 20): p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms, max ${fmt(latencies.at(-1) ?? 0)} ms (n=${latencies.length})`,
    );
    console.log(results.at(-1));
  }

  // T5b: a real campaign of CAMPAIGN opted-in recipients on the 80 msg/s number. Only its start is the bench's:
  // expansion, consent checks, steps and pacing are the runner's, in the worker processes.
  if (CAMPAIGN > 0) {
    const number = numbers[80];
    // The WABA's approved templates, as an admin's sync brings them in.
    await syncTemplates({ ctx, input: {} });
    const [template] = await sql<{ id: string }[]>`
      select id from templates where name = 'spring_promo' and waba_id = '300000000000001' and status = 'APPROVED'`;
    if (!template) throw new Error("the simulator's approved spring_promo template was not synced");
    const setupStarted = performance.now();
    const { contactIds } = await customers(number, CAMPAIGN);
    // MARKETING goes only to contacts with a recorded opt-in: recorded through the product's verb, as an import.
    let nextContact = 0;
    await Promise.all(
      Array.from({ length: ENQUEUE_CONCURRENCY }, async () => {
        for (let i = nextContact++; i < contactIds.length; i = nextContact++)
          await recordConsent({
            ctx,
            input: { contactId: contactIds[i]!, category: "marketing", state: "opt_in", source: "import" },
          });
      }),
    );
    const campaign = await createCampaign({
      ctx,
      input: {
        name: `Bench campaign of ${CAMPAIGN}`,
        number_id: number.id,
        template_id: template.id,
        variables: { "1": "20%" },
        header: { link: "https://example.com/spring.jpg" },
        segment: { source: "number" },
      },
    });
    console.log(
      `campaign set-up: ${fmt(CAMPAIGN)} contacts with conversations and opt-ins in ${fmt((performance.now() - setupStarted) / 1000, 1)} s; load average ${loadAverage()}`,
    );

    const since = Date.now();
    await startCampaign({ ctx, input: { id: campaign.id } });
    // Polled beside the run: moments when the send queue held none of the campaign's messages while recipients
    // were still pending are time the runner, not the limiter, cost.
    let dryPolls = 0;
    let polls = 0;
    const deadline = Date.now() + (CAMPAIGN / 80) * 3000 + 120_000;
    for (;;) {
      if (polls % 20 === 19) await pullRequests();
      const [row] = await sql<{ state: string; pending: number; open: number }[]>`
        select k.state,
          (select count(*)::int from campaign_recipients r where r.campaign_id = k.id and r.state = 'pending') as pending,
          (select count(*)::int from outbound_sends s
            where s.created_at >= ${new Date(since).toISOString()} and s.state in ('queued', 'sending')) as open
        from campaigns k where k.id = ${campaign.id}`;
      polls++;
      if (row!.state === "running" && row!.pending > 0 && row!.open === 0) dryPolls++;
      if (row!.state === "completed" && row!.open === 0) break;
      if (Date.now() > deadline)
        throw new Error(`campaign ${row!.state}: ${row!.pending} pending, ${row!.open} sends open`);
      await sleep(250);
    }
    const log = (await sends(number.pnid, since)).filter((r) => r.body?.type === "template");
    const ok = log
      .filter((r) => r.status === 200)
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const limited = log.filter((r) => r.response?.error?.code === 130429).length;
    const duration = (ok.at(-1)! - since) / 1000;
    const floor = CAMPAIGN / 80;
    const [timing] = await sql<
      { expand_ms: number; accepted: number; steps: number; queue_span_ms: number }[]
    >`
      select extract(epoch from (k.expanded_at - k.started_at)) * 1000 as expand_ms,
        (select count(*)::int from campaign_recipients r join messages m on m.id = r.message_id
          where r.campaign_id = k.id and m.wamid is not null) as accepted,
        (select count(distinct r.queued_at)::int from campaign_recipients r where r.campaign_id = k.id) as steps,
        (select extract(epoch from max(r.queued_at) - min(r.queued_at)) * 1000 from campaign_recipients r
          where r.campaign_id = k.id) as queue_span_ms
      from campaigns k where k.id = ${campaign.id}`;
    let longestGap = 0;
    for (let i = 1; i < ok.length; i++) longestGap = Math.max(longestGap, ok[i]! - ok[i - 1]!);
    const report = await getCampaignReport({ ctx, input: { id: campaign.id } });
    const p = report.progress;
    results.push(
      `T5b campaign of ${fmt(CAMPAIGN)} at 80 msg/s: ${fmt(duration, 1)} s from start to the last accepted send ` +
        `(floor ${fmt(floor, 1)} s, ratio ${fmt(floor / duration, 3)}; target ≤ 135 s); ${fmt(ok.length)} accepted; ` +
        `busiest 1 s window ${busiestWindow(ok)} (limit 80); 130429 × ${limited}; first send after ${fmt(ok[0]! - since)} ms ` +
        `(expansion ${fmt(Number(timing!.expand_ms))} ms); queue dry while recipients pending in ${dryPolls} of ${polls} polls (250 ms)`,
    );
    // Between the first and the last send: the limiter's pace (its ceiling is 77.7 msg/s at 80, numberIntervalMs).
    results.push(
      `T5b campaign pace: ${fmt((ok.length - 1) / ((ok.at(-1)! - ok[0]!) / 1000), 2)} msg/s from first to last send; ` +
        `longest gap between sends ${fmt(longestGap)} ms; ${timing!.steps} runner transactions queued recipients over ` +
        `${fmt(Number(timing!.queue_span_ms) / 1000, 1)} s`,
    );
    // The report counts by message status, which only status webhooks move (statusPlan is empty here): accepted
    // sends read as queued, so Meta's acceptance is counted from the recorded wamids beside it.
    results.push(
      `T5b campaign report: state ${report.state}, total ${fmt(p.total)}, sent ${fmt(p.sent)}, queued ${fmt(p.queued)}, ` +
        `failed ${fmt(p.failed)}, skipped ${fmt(p.skipped)}, pending ${fmt(p.pending)}; wamid recorded for ${fmt(timing!.accepted)}`,
    );
    console.log(results.slice(-3).join("\n"));
  }

  const { duplicates: duplicateList } = (await simApi("GET", "/sends")) as { duplicates: unknown[] };
  const duplicates = duplicateList.length;
  console.log(`\nduplicate sends per idempotency key: ${duplicates}`);
  for (const [label, r] of [
    ["backlogs", backlogSlots],
    ["whole run", slotReport],
  ] as const)
    console.log(
      `number slots, ${label} (as reported every 30 s): ${fmt(r.unused)} of ${fmt(r.taken)} left unused (woke too late), ` +
        `${fmt(r.extended)} pushed back for a late start, ${fmt(r.idle)} taken at an idle key; ` +
        `${fmt(r.late)} requests left after their window (${fmt(r.lateMs)} ms in all, max ${fmt(r.maxLateMs)} ms; ${fmt(r.unaccounted)} too late to account)`,
    );
  console.log(`\nSummary (load average at the end ${loadAverage()})\n${results.join("\n")}`);

  await stopBoss(5_000);
  for (const child of workers) await stopServerProcess(child);
  await closeDb();
  await sql.end();
  await stopServerProcess(sim.child);
  await pg.stop();
}

/** The most sends (sorted times, ms) in any 1 s window. */
function busiestWindow(times: number[]): number {
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
