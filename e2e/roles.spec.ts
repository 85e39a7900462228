import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { freePort } from "../lib/runtime/free-port";
import { startServerProcess, stopServerProcess } from "../tests/support/server-process";
import { postWebhook, textMessageWebhook } from "./webhooks";

// ROLE=web and ROLE=worker as separate processes on one Postgres: the web process acknowledges and
// stores, the worker applies, and the live update still reaches the web process's sockets via NOTIFY.
const root = path.resolve(import.meta.dirname, "..");
const secrets = {
  META_APP_SECRET: "roles-app-secret-01",
  META_VERIFY_TOKEN: "roles-verify-token",
  AUTH_SECRET: "r".repeat(40),
};
let pg: EmbeddedPostgres;
const processes: ChildProcess[] = [];

test.beforeAll(async () => {
  const dataDir = path.join(root, ".test-data/roles");
  fs.rmSync(dataDir, { recursive: true, force: true });
  pg = await startEmbeddedPostgres({ dataDir });
});

test.afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill("SIGKILL");
  await pg?.stop();
});

test("a web and a worker process share one database: web stores, worker applies", async ({ request }) => {
  test.setTimeout(90_000);
  const webPort = await freePort();
  const workerPort = await freePort();
  const common = {
    ...secrets,
    NODE_ENV: "production",
    DATABASE_URL: pg.url,
    GRAPH_API_BASE: "http://127.0.0.1:9",
  };
  // The web process migrates and seeds; the worker waits for it, as a deployment would start them.
  const web = await startRole({ ...common, ROLE: "web", PORT: String(webPort), SEED_DEMO: "1" });
  const worker = await startRole({ ...common, ROLE: "worker", PORT: String(workerPort) });

  const health = await request.get(`http://127.0.0.1:${workerPort}/api/health`);
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, db: "up" });

  const state = { baseURL: `http://127.0.0.1:${webPort}`, secret: secrets.META_APP_SECRET } as Parameters<
    typeof postWebhook
  >[1];
  const body = textMessageWebhook({
    name: "Split Roles",
    phone: "4915100000001",
    bsuid: "DE.424242",
    text: "applied by the worker",
  });
  expect((await postWebhook(request, state, body)).status()).toBe(200);

  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    await expect
      .poll(
        async () =>
          (await sql`select count(*)::int as n from messages where text = 'applied by the worker'`)[0]?.n,
        { timeout: 15_000 },
      )
      .toBe(1);
  } finally {
    await sql.end();
  }

  for (const child of [web, worker]) {
    const stopped = await stopServerProcess(child);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
  }
});

async function startRole(env: Record<string, string>) {
  const { child } = await startServerProcess(env, { timeoutMs: 60_000 });
  processes.push(child);
  return child;
}
