import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
export const READY_LINE = "Press Ctrl-C to stop.";

/** Starts `server.ts` as a real process and resolves once it printed its ready banner (with that output). */
export async function startServerProcess(
  env: Record<string, string | undefined>,
  options: { logFile?: string; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; output: string }> {
  // undefined unsets a variable inherited from this process.
  const merged = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: merged,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = options.logFile ? fs.createWriteStream(options.logFile) : undefined;
  // The start-up output (banner, demo logins) is kept and returned; once the process is ready, later output
  // (a request log line per request) only goes to the log file. Appending it all to one string and searching
  // that string per chunk went quadratic under load and stalled the caller's event loop for seconds.
  let output = "";
  let ready = false;
  const tail = () => (output.length > 8_000 ? `…${output.slice(-8_000)}` : output);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time:\n${tail()}`)),
      options.timeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer) => {
      log?.write(chunk);
      if (ready) return;
      const before = output.length;
      output += chunk.toString();
      // Only the new text (and a line's worth before it, for a ready line split across chunks) is searched.
      if (output.indexOf(READY_LINE, Math.max(0, before - READY_LINE.length)) !== -1) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`server exited (${code}) during start-up:\n${tail()}`));
    });
  });
  return { child, output };
}

/** Ctrl-C and wait: resolves with the exit code (or the signal that ended it) and how long the shutdown took. */
export async function stopServerProcess(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const started = Date.now();
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode, ms: 0 };
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
  return { code: child.exitCode, signal: child.signalCode, ms: Date.now() - started };
}
