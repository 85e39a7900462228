import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setRuntimeEnv, type Env } from "@/lib/env.js";
import { closeDb, getDb, getSql } from "@/lib/db/client";
import { seedDemo, type DemoLogin } from "@/lib/db/seed";
import { checkHealth } from "@/lib/health/check-health";
import { listenForJobs, startBoss, stopBoss } from "@/lib/jobs/boss";
import { startIngestThread } from "@/lib/jobs/ingest-thread";
import { startWebhookDispatcher } from "@/lib/integrations";
import { startSendSweep } from "@/lib/messaging";
import { warmGraphConnection } from "@/lib/whatsapp/client";
import { syncTemplates } from "@/lib/templates";
import { systemActor } from "@/lib/auth/actor";
import { createQueues, startWorkers } from "@/lib/jobs/registry";
import { listNumbers } from "@/lib/numbers";
import { attachRealtime } from "@/lib/realtime/server";
import { prepareDatabase } from "./database";
import { resolveSecrets } from "./secrets";
import { markWarmingUp, warmUp } from "./warm-up";

export type SimulatorInput = {
  appWebhookUrl: string;
  appSecret: string;
  accessToken: string;
  numbers: { wabaId: string; phoneNumberId: string; displayNumber: string; coexistence: boolean }[];
};

type WebHandlers = {
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;
};

export type StartOptions = {
  env: Env;
  /** Builds Next's request handlers (kept in server.ts so this module never imports Next). */
  createWeb: () => Promise<WebHandlers>;
  startSimulator?: (input: SimulatorInput) => Promise<{ url: string; stop: () => Promise<void> }>;
  log?: (line: string) => void;
};

async function syncDemoTemplates(log: (line: string) => void) {
  try {
    const result = await syncTemplates({ ctx: { actor: systemActor("demo-seed") }, input: {} });
    if (result.added > 0) log(`Templates: ${result.added} synced from the simulator's WABA`);
  } catch (error) {
    log(
      `Templates: sync from the simulator failed (${(error as Error).message}); use Admin → Templates → Sync`,
    );
  }
}

/** Boots one Tandem process for its ROLE; returns an idempotent, bounded shutdown and the ready banner to print. */
export async function startTandem({ env, createWeb, startSimulator, log = console.log }: StartOptions) {
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  // Configuration problems first: they need no database to be reported.
  const secrets = resolveSecrets(env, !env.DATABASE_URL);
  const database = await prepareDatabase(env, log);
  if (database.embedded) stops.unshift({ name: "postgres", stop: database.embedded.stop });
  let runtimeEnv = setRuntimeEnv({ DATABASE_URL: database.url, ...secrets });

  const seedDemoData = env.SEED_DEMO ?? database.embedded !== undefined;
  const logins = seedDemoData && env.ROLE !== "worker" ? await seedDemo() : null;

  let simulatorUrl: string | undefined;
  if (!env.GRAPH_API_BASE && startSimulator && env.ROLE !== "worker") {
    const sim = await startSimulator({
      appWebhookUrl: `http://127.0.0.1:${env.PORT}/api/webhooks/whatsapp`,
      appSecret: secrets.META_APP_SECRET,
      accessToken: "simulator-token",
      numbers: (await listNumbers(getDb())).map(({ wabaId, phoneNumberId, displayNumber, coexistence }) => ({
        wabaId,
        phoneNumberId,
        displayNumber,
        coexistence,
      })),
    });
    simulatorUrl = sim.url;
    runtimeEnv = setRuntimeEnv({ GRAPH_API_BASE: sim.url });
    stops.unshift({ name: "simulator", stop: sim.stop });
    // The demo's templates live in the simulator's WABA, as they would at Meta: pull them in once.
    if (seedDemoData) await syncDemoTemplates(log);
  }

  const isWorker = env.ROLE !== "web";
  const boss = await startBoss({ worker: isWorker });
  await createQueuesOneAtATime(boss);
  stops.unshift({ name: "database pool", stop: closeDb });
  stops.unshift({ name: "jobs", stop: () => stopBoss(6_000) });
  if (isWorker) {
    await warmGraphConnection();
    await startWorkers(boss);
    stops.unshift({ name: "job wake-ups", stop: await listenForJobs() });
    // The lanes get a thread of their own (see startIngestThread). In a worker process it runs at a lower CPU
    // priority: its backlog (after an outage) waits for the web processes sharing the box and for this
    // thread's paced sends, whose timing keeps Meta's 1 s windows (lib/messaging/rate-limiter.ts).
    stops.unshift({
      name: "ingest",
      stop: await startIngestThread(log, { lowPriority: env.ROLE === "worker" }),
    });
    stops.unshift({ name: "send sweep", stop: startSendSweep({ actor: systemActor("send-sweep") }) });
    stops.unshift({
      name: "integration webhooks",
      stop: await startWebhookDispatcher({ actor: systemActor("integrations") }),
    });
  }

  const web = env.ROLE === "worker" ? undefined : await createWeb();
  const server = createServer((req, res) => {
    if (web) return void web.handle(req, res);
    // Worker processes answer health checks only.
    if (req.url === "/api/health")
      return void checkHealth().then((h) =>
        res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(h)),
      );
    res.writeHead(404).end();
  });
  if (web) {
    const realtime = await attachRealtime(server, runtimeEnv.DATABASE_URL!);
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/socket.io")) void web.upgrade(req, socket, head);
    });
    stops.unshift({ name: "sockets", stop: realtime.close });
  }
  if (web) markWarmingUp();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(env.PORT, resolve));
  stops.unshift({
    name: "http",
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  });

  if (web) await warmUp((server.address() as AddressInfo).port);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      for (const { name, stop } of stops) {
        await stop().catch((error: Error) => log(`[shutdown] ${name}: ${error.message}`));
      }
    })());
  // The banner says Ctrl-C stops Tandem, so the caller prints it once its signal handlers are in place: a
  // SIGINT between the two killed the process without a shutdown (CI, e2e/recovery.spec.ts).
  const announce = () =>
    printBanner({ env, simulatorUrl, logins, embedded: database.embedded !== undefined, log });
  return { server, shutdown, announce };
}

function printBanner(input: {
  env: Env;
  simulatorUrl?: string;
  logins: DemoLogin[] | null;
  embedded: boolean;
  log: (line: string) => void;
}) {
  const { env, log } = input;
  const lines = [``, `Tandem is ready (role ${env.ROLE})`];
  if (env.ROLE !== "worker") lines.push(`  App:        http://localhost:${env.PORT}`);
  else lines.push(`  Health:     http://localhost:${env.PORT}/api/health`);
  if (input.simulatorUrl)
    lines.push(`  Simulator:  ${input.simulatorUrl}  (play the customer and the owner's phone)`);
  lines.push(`  Database:   ${input.embedded ? `embedded Postgres in ${env.DATA_DIR}` : "DATABASE_URL"}`);
  if (input.logins) {
    lines.push(``, `  Demo logins (shown once; passwords are stored hashed):`);
    for (const l of input.logins)
      lines.push(`    ${l.role.padEnd(10)} ${l.email.padEnd(28)} ${l.password}   team: ${l.team}`);
  } else if (input.embedded) {
    lines.push(`  Demo logins were printed on the first start. Set a new password with:`);
    lines.push(`    npm run tandem -- users:set-password --email agent1@tandem.example`);
  }
  lines.push(``, `Press Ctrl-C to stop.`, ``);
  for (const line of lines) log(line);
}

/** Any fixed key: only start-up queue creation takes it. */
const QUEUE_SETUP_LOCK = 7_243_115_001;

/**
 * Processes started at the same moment on a fresh database deadlock inside pg-boss's createQueue (seen in
 * the fault harness), so queue creation runs under one session advisory lock, one process at a time.
 */
async function createQueuesOneAtATime(boss: Awaited<ReturnType<typeof startBoss>>) {
  const connection = await getSql().reserve();
  try {
    await connection`select pg_advisory_lock(${QUEUE_SETUP_LOCK})`;
    try {
      await createQueues(boss);
    } finally {
      await connection`select pg_advisory_unlock(${QUEUE_SETUP_LOCK})`;
    }
  } finally {
    connection.release();
  }
}
