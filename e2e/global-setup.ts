import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../lib/runtime/free-port";
import { startServerProcess } from "../tests/support/server-process";
import { STATE_FILE, type E2EState } from "./state";

const root = path.resolve(import.meta.dirname, "..");

export default async function globalSetup() {
  execFileSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  const dataDir = path.join(root, ".test-data/e2e");
  fs.rmSync(dataDir, { recursive: true, force: true });
  // TOTP secrets enrolled by e2e/support.ts belong to the previous run's database.
  fs.rmSync(path.join(root, ".test-data/e2e-mfa.json"), { force: true });
  const port = await freePort();
  const simulatorPort = await freePort();
  const secret = "e2e-app-secret-0123456789";
  const verifyToken = "e2e-verify-token";
  const env: Record<string, string | undefined> = {
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    PORT: String(port),
    SIMULATOR_PORT: String(simulatorPort),
    META_APP_SECRET: secret,
    META_VERIFY_TOKEN: verifyToken,
    SEED_DEMO: "1",
    // Embedded Postgres and the simulator, whatever the calling shell has set.
    DATABASE_URL: undefined,
    GRAPH_API_BASE: undefined,
  };
  const { child, output } = await startServerProcess(env, {
    logFile: path.join(root, ".test-data/e2e-server.log"),
  });
  const logins = [...output.matchAll(/^\s+(admin|supervisor|agent)\s+(\S+@\S+)\s+(\S+)\s+team: (.*)$/gm)].map(
    (m) => ({
      role: m[1]!,
      email: m[2]!,
      password: m[3]!,
      team: m[4]!.trim(),
    }),
  );
  if (logins.length === 0) throw new Error(`no demo logins in the start-up output:\n${output}`);
  const state: E2EState = {
    baseURL: `http://localhost:${port}`,
    simulatorURL: `http://127.0.0.1:${simulatorPort}`,
    secret,
    verifyToken,
    logins,
    pid: child.pid!,
  };
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  child.unref();
}
