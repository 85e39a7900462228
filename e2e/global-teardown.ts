import { readState } from "./state";

/** Ctrl-C the server and require a clean exit within 10 s (graceful shutdown is part of the contract). */
export default async function globalTeardown() {
  const { pid } = readState();
  if (!alive(pid)) throw new Error("the server under test died before teardown");
  process.kill(pid, "SIGINT");
  const started = Date.now();
  while (alive(pid) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    process.kill(pid, "SIGKILL");
    throw new Error("the server did not shut down within 10 s of SIGINT");
  }
  console.log(`server shut down in ${Date.now() - started} ms`);
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
