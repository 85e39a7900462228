// R20 (BENCHMARKS.md): `npm run test:restore`. One Tandem server on embedded Postgres under load (signed
// webhooks: inbound, echoes, out-of-order statuses; REST sends with Idempotency-Keys; audited label creation);
// `db:backup` mid-load while the load goes on; then `db:restore` into a fresh database, the webhooks received
// since the snapshot brought back, `ingest:replay --since`, a server on the restored database, and the
// ledger: every acknowledged webhook applied exactly once, no send duplicated, the audit chain verifies.
//
// Where the post-snapshot webhooks come from: the old database's webhook_events rows the backup does not
// hold, copied as raw bodies (status pending). That stands in for the raw event archive an operator would
// keep (or the old database itself, when the restore undoes a bad migration rather than a lost disk); Meta
// only redelivers webhooks it never got a 2xx for, so after a real disk loss those events are gone.
// The check itself does not trust that copy: it compares against what the harness and the simulator were
// answered 2xx for.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { createApiKey } from "@/lib/api-keys";
import { systemActor } from "@/lib/auth/actor";
import { readBackupHeader } from "@/lib/db/backup";
import { closeDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/db/seed";
import { setRuntimeEnv } from "@/lib/env.js";
import { freePort } from "@/lib/runtime/free-port";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";
import {
  AUTH_SECRET,
  ensureBuild,
  root,
  SECRET,
  SIM_TOKEN,
  startDatabase,
  startSimulatorProcess,
  waitFor,
} from "./cluster";
import { ackedSimItems, checkWebhooks, type Check } from "./ledger";
import { runSendLoad, runWebhookLoad } from "./load";

// --skip-replay: the negative control; without bringing back and replaying the later webhooks the ledger fails.
const SKIP_REPLAY = process.argv.includes("--skip-replay");
const LOAD_SECONDS = 16;
const BACKUP_AFTER_SECONDS = 7;
const WEBHOOKS_PER_SECOND = 25;
const SENDS_PER_SECOND = 2;

const say = (line: string) => console.log(`[restore] ${line}`);
const cleanups: (() => Promise<unknown>)[] = [];
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-restore-logs-"));

async function main(): Promise<boolean> {
  await ensureBuild(say);
  const db = await startDatabase(() => {});
  cleanups.push(db.stop);
  setRuntimeEnv({ DATABASE_URL: db.url, AUTH_SECRET, META_APP_SECRET: SECRET });
  const sql = postgres(db.url, { max: 4, onnotice: () => {} });
  cleanups.push(async () => {
    await sql.end({ timeout: 5 });
    await closeDb();
  });
  await seedDemo();
  const { key: apiKey } = await createApiKey({
    ctx: { actor: systemActor("restore") },
    input: { name: "restore harness", role: "admin" },
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const sim = await startSimulatorProcess(`${base}/api/webhooks/whatsapp`);
  cleanups.push(sim.stop);
  const serverEnv = (url: string) => ({
    NODE_ENV: "production",
    ROLE: "all",
    PORT: String(port),
    DATABASE_URL: url,
    DATA_DIR: db.dataDir,
    META_APP_SECRET: SECRET,
    META_VERIFY_TOKEN: "restore-verify-token",
    AUTH_SECRET,
    SEED_DEMO: "0",
    GRAPH_API_BASE: sim.url,
    META_ACCESS_TOKEN: SIM_TOKEN,
  });
  let server = (await startServerProcess(serverEnv(db.url), { logFile: path.join(logDir, "before.log") }))
    .child;
  cleanups.push(() => stopServerProcess(server));
  say(`server on ${base}, simulator ${sim.url}, logs in ${logDir}`);

  // Customers the simulator knows, each opening a conversation with a real inbound (so sends to them work).
  const conversationIds: string[] = [];
  for (let i = 0; i < 4; i++) {
    const phone = `4479${String(i).padStart(8, "0")}`;
    const customer = await sim.api<{ id: string }>("POST", "/customers", { name: `Restore ${i}`, phone });
    await sim.api("POST", `/customers/${customer.id}/send`, { type: "text", text: `Hello ${i}` });
    conversationIds.push(
      await waitFor(
        async () => {
          const [row] = await sql<{ id: string }[]>`
          select c.id from conversations c join contacts k on k.id = c.contact_id where k.phone = ${phone}`;
          return row?.id;
        },
        30_000,
        `conversation for ${phone}`,
      ),
    );
  }

  // Load, with the backup taken while it runs.
  let loading = true;
  const until = () => !loading;
  const webhookRun = runWebhookLoad({
    url: `${base}/api/webhooks/whatsapp`,
    rate: WEBHOOKS_PER_SECOND,
    people: 30,
    until,
  });
  const sendRun = runSendLoad({ url: base, apiKey, conversationIds, perSecond: SENDS_PER_SECOND, until });
  const labels = adminChanges(base, apiKey, until);
  await sleep(BACKUP_AFTER_SECONDS * 1000);
  const backupFile = path.join(logDir, "tandem.backup.gz");
  const backup = await cli(["db:backup", "--out", backupFile], {
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
  });
  const header = await readBackupHeader(backupFile);
  say(`backup: ${backup.out.split("\n")[0]}`);
  // Load after the backup returned (not after the snapshot): a slow CLI start on a busy machine must not
  // shrink the window the replay has to cover.
  await sleep((LOAD_SECONDS - BACKUP_AFTER_SECONDS) * 1000);
  loading = false;
  const [webhooks, sends, labelLedger] = await Promise.all([webhookRun, sendRun, labels]);
  say(
    `load done: ${webhooks.acked.length} webhook items acknowledged (${webhooks.gaveUp} given up), ${sends.keys.size} sends, ${labelLedger.length} labels created`,
  );
  await settle(sql, sim);
  const deliveries = await sim.api<Parameters<typeof ackedSimItems>[0]>("GET", "/deliveries");
  const items = [...webhooks.acked, ...ackedSimItems(deliveries)];
  const oldIds = new Map(
    (
      await sql<{ key: string; id: string }[]>`
        select idempotency_key as key, id from messages where idempotency_key = any(${[...sends.keys.keys()]})`
    ).map((r) => [r.key, r.id]),
  );
  await stopServerProcess(server);

  // The disaster: a fresh database on the same cluster, restored from the file.
  await sql`create database restored`;
  const restoredUrl = Object.assign(new URL(db.url), { pathname: "/restored" }).toString();
  const restored = postgres(restoredUrl, { max: 4, onnotice: () => {} });
  cleanups.push(() => restored.end({ timeout: 5 }));
  const restore = await cli(["db:restore", "--in", backupFile], {
    DATABASE_URL: restoredUrl,
    DATA_DIR: db.dataDir,
  });
  say(`restore: ${restore.out.split("\n")[0]}`);
  const missingBeforeReplay = await missingItems(restored, items);

  let broughtBack = 0;
  let replayed = 0;
  if (!SKIP_REPLAY) {
    // Webhooks received since the snapshot: raw bodies the restored database lacks, in arrival order.
    const have = await restored<{ body: Buffer }[]>`select body from webhook_events`;
    const known = new Set(have.map((r) => r.body.toString("base64")));
    const later = (
      await sql<{ body: Buffer; received_at: Date }[]>`
      select body, received_at from webhook_events order by id`
    ).filter((r) => !known.has(r.body.toString("base64")));
    for (let i = 0; i < later.length; i += 500)
      await restored`insert into webhook_events ${restored(later.slice(i, i + 500), "body", "received_at")}`;
    const replay = await cli(["ingest:replay", "--since", header.replay_since], {
      DATABASE_URL: restoredUrl,
      DATA_DIR: db.dataDir,
    });
    broughtBack = later.length;
    replayed = Number(/Replayed (\d+)/.exec(replay.out)?.[1] ?? NaN);
    say(
      `replay: ${later.length} raw webhooks brought back; ${replay.out
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("  "))
        .join(" ")} (${(replay.ms / 1000).toFixed(1)} s)`,
    );
  }

  server = (await startServerProcess(serverEnv(restoredUrl), { logFile: path.join(logDir, "after.log") }))
    .child;
  await settle(restored, sim);

  const checks: Check[] = await checkWebhooks(restored, items);
  const restoredIds = await restored<{ key: string; id: string; n: number }[]>`
    select idempotency_key as key, min(id::text) as id, count(*)::int as n from messages
    where idempotency_key = any(${[...sends.keys.keys()]}) group by idempotency_key`;
  const doubled = restoredIds.filter((r) => r.n > 1).length;
  const changed = restoredIds.filter((r) => oldIds.get(r.key) !== r.id).length;
  const simSends = await sim.api<{ byCallbackData: Record<string, number>; duplicates: string[] }>(
    "GET",
    "/sends",
  );
  const sentTwice = Object.values(simSends.byCallbackData).filter((n) => n > 1).length;
  checks.push({
    name: "no send duplicated by the restore",
    ok: doubled === 0 && changed === 0 && sentTwice === 0 && simSends.duplicates.length === 0,
    detail: `${sends.keys.size} idempotency keys, ${oldIds.size} stored before, ${restoredIds.length} in the restored database (${oldIds.size - restoredIds.length} sent after the snapshot: lost with it), ${doubled} stored twice, ${changed} with another id, ${sentTwice + simSends.duplicates.length} sent twice to Meta`,
  });
  const [open] = await restored<{ n: number }[]>`
    select count(*)::int as n from outbound_sends where state in ('queued', 'sending')`;
  checks.push({
    name: "every restored send settled",
    ok: open!.n === 0,
    detail: `${open!.n} queued/sending`,
  });
  // Labels are created one after another: the restored ones are exactly the first n, each with its audit row.
  const restoredLabels = await restored<{ name: string; audited: boolean }[]>`
    select l.name, exists (select from audit_log a where a.action = 'label.created' and a.entity_id = l.id::text)
      as audited
    from labels l where l.name like 'restore-%'`;
  const prefix = restoredLabels.every((l) => {
    const at = labelLedger.indexOf(l.name);
    return at !== -1 && at < restoredLabels.length;
  });
  const unaudited = restoredLabels.filter((l) => !l.audited).length;
  checks.push({
    name: "audited admin changes up to the snapshot restored",
    ok: restoredLabels.length > 0 && prefix && unaudited === 0,
    detail: `${labelLedger.length} labels created, the first ${restoredLabels.length} restored${prefix ? "" : " (NOT a prefix of the created ones)"}, ${unaudited} without their audit row; ${labelLedger.length - restoredLabels.length} created after the snapshot: lost with it`,
  });
  const verify = await cli(["audit:verify"], { DATABASE_URL: restoredUrl, DATA_DIR: db.dataDir }).catch(
    (error: Error) => ({ out: error.message, ms: 0 }),
  );
  const [restoredEvent] = await restored<{ n: number }[]>`
    select count(*)::int as n from audit_log where action = 'database.restored'`;
  checks.push({
    name: "audit chain verifies, restore recorded in it",
    ok: verify.out.startsWith("audit chain ok") && restoredEvent!.n === 1,
    detail: `${verify.out.trim()}; ${restoredEvent!.n} database.restored event`,
  });

  const messageCheck = checks[0]!.detail;
  say(
    `figures: backup ${(backup.bytes / 1024).toFixed(0)} KiB in ${(backup.ms / 1000).toFixed(1)} s (CLI incl. start-up; ${/in ([\d.]+) s/.exec(backup.out)?.[1]} s dumping), restore ${(restore.ms / 1000).toFixed(1)} s (CLI incl. migrations), ${broughtBack} webhooks brought back, ${replayed} replayed since ${header.replay_since} (snapshot ${header.taken_at}); acknowledged items missing right after the restore: ${missingBeforeReplay}; after replay: ${messageCheck}`,
  );
  for (const c of checks) say(`${c.ok ? "PASS" : "FAIL"} ${c.name}: ${c.detail}`);
  return checks.every((c) => c.ok);
}

/** Audited admin changes over REST: a label every 400 ms; returns the names the API acknowledged. */
async function adminChanges(base: string, apiKey: string, until: () => boolean): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; !until(); i++) {
    const name = `restore-${i}`;
    const res = await fetch(`${base}/api/v1/labels`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name }),
    }).catch(() => null);
    if (res?.ok) created.push(name);
    await sleep(400);
  }
  return created;
}

/** Wacked items whose wamid has no message row and no receipt yet (the restore's data-loss window). */
async function missingItems(sql: postgres.Sql, items: { wamid: string }[]): Promise<number> {
  const wamids = [...new Set(items.map((i) => i.wamid))];
  const rows = await sql<{ wamid: string }[]>`
    select wamid from messages where wamid = any(${wamids})
    union select wamid from message_statuses where wamid = any(${wamids})`;
  const found = new Set(rows.map((r) => r.wamid));
  return wamids.filter((w) => !found.has(w)).length;
}

/** The simulator idle, every stored webhook applied, every send settled (bounded). */
async function settle(sql: postgres.Sql, sim: Awaited<ReturnType<typeof startSimulatorProcess>>) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await sim.api("POST", "/idle", { timeoutMs: 5_000 });
    const [row] = await sql<{ pending: number; open: number }[]>`
      select (select count(*) from webhook_events where status = 'pending')::int as pending,
        (select count(*) from outbound_sends where state in ('queued', 'sending'))::int as open`;
    if (row!.pending === 0 && row!.open === 0) return;
    await sleep(500);
  }
}

/** A `npm run tandem` command as its own process (what an operator runs); rejects on a non-zero exit. */
async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ out: string; ms: number; bytes: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/tandem.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env, AUTH_SECRET, META_APP_SECRET: SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`tandem ${args[0]} exited ${code}: ${out}`);
  const file = args[args.indexOf("--out") + 1];
  const bytes = args.includes("--out") && file ? fs.statSync(file).size : 0;
  return { out, ms: performance.now() - started, bytes };
}

let ok = false;
const started = Date.now();
try {
  ok = await main();
} catch (error) {
  console.error(error);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}
say(`${ok ? "PASSED" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(ok ? 0 : 1);
