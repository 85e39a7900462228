// The processes of a scaled-out Tandem on one machine: one Postgres (embedded under a temp DATA_DIR by the
// same start-up code server.ts uses, or DATABASE_URL), the simulator in its own process, and web/worker
// server.ts processes that can be killed with SIGKILL and started again on the same port.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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

export type Role = "web" | "worker";
export type Member = {
  name: string;
  role: Role;
  port: number;
  child: ChildProcess | null;
  logFile: string;
  /** How often this member was killed, and how long each restart took to be ready again. */
  kills: { at: number; readyAfterMs: number | null }[];
};

export async function startDatabase(log: (line: string) => void) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-faults-"));
  // mkdtemp makes it private; Postgres may run as its own OS user (lib/db/embedded.ts) and must reach it.
  fs.chmodSync(dataDir, 0o711);
  const parsed = parseEnv({ DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL });
  if (!parsed.ok) throw new Error(parsed.message);
  const db = await prepareDatabase(parsed.env, log);
  return {
    dataDir,
    url: db.url,
    embedded: db.embedded !== undefined,
    stop: async () => {
      await db.embedded?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
      "simulator-token",
      "--numbers",
      JSON.stringify([DEMO_NUMBER]),
      "--empty",
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
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
      const res = await fetch(`${url}/sim/api${route}`, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) throw new Error(`simulator ${method} ${route}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
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
  };
}

export async function startMember(m: Member, env: Record<string, string>): Promise<void> {
  const { child } = await startServerProcess(env, {
    logFile: m.logFile,
    timeoutMs: 180_000,
  });
  // startServerProcess keeps appending all output to one string and searching it for its ready line; with
  // a request log line per request that turned quadratic and stalled the harness for up to a minute. From
  // here on the output goes straight to the log file (and never blocks the child on a full pipe).
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.removeAllListeners("data");
    stream.pipe(fs.createWriteStream(m.logFile, { flags: "a" }));
  }
  m.child = child;
}

/** kill -9: no shutdown hooks, no draining, connections cut mid-request. */
export async function killMember(m: Member): Promise<void> {
  const child = m.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  m.child = null;
}

/** The sticky balancer in its own process (lb-main.ts), controlled over its /__lb/ endpoints. */
export async function startBalancerProcess(ports: number[]) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/faults/lb-main.ts", ...ports.map(String)],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /balancer on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`balancer exited (${code})`)));
  });
  child.stdout!.resume();
  return {
    url,
    markDown: async (port: number) => {
      await fetch(`${url}/__lb/down?port=${port}`, { method: "POST" });
    },
    answered: async () => (await (await fetch(`${url}/__lb/stats`)).json()) as Record<string, number>,
    stop: () => stopServerProcess(child),
  };
}
