// One Node process: Next.js + Socket.io on one port, plus job workers, by ROLE (DESIGN.md "Runtime").
import path from "node:path";
import { parse } from "node:url";
import next from "next";
import { getEnv } from "./lib/env.js";
import { StartupError } from "./lib/runtime/secrets";
import { startTandem } from "./lib/runtime/start";

const SHUTDOWN_BUDGET_MS = 9_500;
const env = getEnv();

try {
  const { shutdown } = await startTandem({
    env,
    createWeb: async () => {
      const app = next({
        dev: env.NODE_ENV !== "production",
        dir: path.dirname(new URL(import.meta.url).pathname),
        port: env.PORT,
      });
      await app.prepare();
      const handle = app.getRequestHandler();
      const upgrade = app.getUpgradeHandler();
      return {
        handle: (req, res) => handle(req, res, parse(req.url ?? "/", true)),
        upgrade: (req, socket, head) => upgrade(req, socket, head),
      };
    },
    startSimulator: async (input) => {
      // Demo mode only: the app itself never imports the simulator.
      const { startSimulator } = await import("./lib/simulator/server");
      return startSimulator({ ...input, port: env.SIMULATOR_PORT });
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.log(`\n${signal} received: shutting down`);
      setTimeout(() => process.exit(1), SHUTDOWN_BUDGET_MS).unref();
      void shutdown().then(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(
    error instanceof StartupError ? error.message : `Tandem failed to start: ${(error as Error).stack}`,
  );
  process.exit(1);
}
