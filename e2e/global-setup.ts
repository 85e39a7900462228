import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { STATE_FILE, type E2EState } from "./state";

const root = path.resolve(import.meta.dirname, "..");

export default async function globalSetup() {
  execFileSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { cwd: root, stdio: "inherit" });
  const dataDir = path.join(root, ".test-data/e2e");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const simulatorPort = await freePort();
  const secret = "e2e-app-secret-0123456789";
  const verifyToken = "e2e-verify-token";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    PORT: String(port),
    SIMULATOR_PORT: String(simulatorPort),
    META_APP_SECRET: secret,
    META_VERIFY_TOKEN: verifyToken,
    SEED_DEMO: "1",
  };
  delete env.DATABASE_URL;
  delete env.GRAPH_API_BASE;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const logFile = fs.createWriteStream(path.join(root, ".test-data/e2e-server.log"));
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      logFile.write(chunk);
      if (output.includes("Press Ctrl-C to stop.")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => logFile.write(chunk));
    child.once("exit", (code) => reject(new Error(`server exited with ${code} during start-up:\n${output}`)));
  });
  await ready;
  const logins = [...output.matchAll(/^\s+(admin|supervisor|agent)\s+(\S+@\S+)\s+(\S+)\s+team: (.*)$/gm)].map((m) => ({
    role: m[1]!,
    email: m[2]!,
    password: m[3]!,
    team: m[4]!.trim(),
  }));
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
