import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { freePort } from "../lib/runtime/free-port";
import { startServerProcess, stopServerProcess } from "../tests/support/server-process";
import { postWebhook, textMessageWebhook } from "./webhooks";

// R3: a process killed (-9) after acknowledging webhooks but before applying them loses nothing: the raw
// bodies are in webhook_events, and the next worker claims every pending row.
const root = path.resolve(import.meta.dirname, "..");
const secrets = {
  META_APP_SECRET: "recovery-app-secret",
  META_VERIFY_TOKEN: "recovery-verify",
  AUTH_SECRET: "k".repeat(40),
};
let pg: EmbeddedPostgres;

test.beforeAll(async () => {
  const dataDir = path.join(root, ".test-data/recovery");
  fs.rmSync(dataDir, { recursive: true, force: true });
  pg = await startEmbeddedPostgres({ dataDir });
});
test.afterAll(async () => pg?.stop());

test("webhooks acknowledged by a process killed with -9 are applied after restart", async ({ request }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const env = {
    ...secrets,
    NODE_ENV: "production",
    DATABASE_URL: pg.url,
    PORT: String(port),
    GRAPH_API_BASE: "http://127.0.0.1:9",
  };
  // A web-only process stores and acknowledges, but applies nothing.
  const { child: web } = await startServerProcess({ ...env, ROLE: "web", SEED_DEMO: "1" });
  const state = { baseURL: `http://127.0.0.1:${port}`, secret: secrets.META_APP_SECRET } as Parameters<
    typeof postWebhook
  >[1];
  for (let i = 0; i < 20; i++) {
    const body = textMessageWebhook({
      name: `Crash ${i}`,
      phone: `4930000000${String(i).padStart(2, "0")}`,
      bsuid: `DE.crash${i}`,
      text: `acked before the crash ${i}`,
    });
    expect((await postWebhook(request, state, body)).status()).toBe(200);
  }
  web.kill("SIGKILL");
  await new Promise((resolve) => web.once("exit", resolve));

  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    const [stored] = await sql`select count(*)::int as n from webhook_events where status = 'pending'`;
    expect(stored?.n).toBe(20);

    const logFile = test.info().outputPath("server.log");
    const { child } = await startServerProcess({ ...env, ROLE: "all" }, { logFile });
    await expect
      .poll(
        async () =>
          (await sql`select count(*)::int as n from messages where text like 'acked before the crash %'`)[0]
            ?.n,
        { timeout: 30_000 },
      )
      .toBe(20);
    const [left] = await sql`select count(*)::int as n from webhook_events where status = 'pending'`;
    expect(left?.n).toBe(0);
    const stopped = await stopServerProcess(child);
    // The whole shutdown's output names what failed if it did not end cleanly.
    expect(stopped, fs.readFileSync(logFile, "utf8").slice(-4_000)).toMatchObject({ code: 0, signal: null });
  } finally {
    await sql.end();
  }
});
