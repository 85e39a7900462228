// One Node process: Next.js + Socket.io on one port, plus job workers, by ROLE (DESIGN.md "Runtime").
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { parse } from "node:url";
import next from "next";
import { getEnv } from "./lib/env.js";
import { createGate } from "./lib/http/admission";
import { log, requestIdFrom } from "./lib/log";
import { getMetrics } from "./lib/metrics";
import { isDatabaseConnectionError } from "./lib/runtime/db-errors";
import { StartupError } from "./lib/runtime/secrets";
import { startTandem } from "./lib/runtime/start";

const SHUTDOWN_BUDGET_MS = 9_500;
const env = getEnv();
const metrics = getMetrics();
const httpLog = log.child({ component: "http", role: env.ROLE });
const WEBHOOK_PATH = "/api/webhooks/whatsapp";
// A few webhooks in flight use the whole CPU (each awaits one INSERT on the 4-connection receive pool);
// 2,000 waiting is minutes of Meta's retries after an outage, far more than a burst (lib/http/admission.ts).
// While an agent's API request is in flight, webhooks get fewer places: after an outage Meta's retries kept
// both event loops ~250 ms late, and a tab's catch-up (~10 awaited steps) took 2.5-5.8 s. Meta waits and
// retries; an agent does not.
const WEBHOOKS_IN_FLIGHT = 8;
const WEBHOOKS_IN_FLIGHT_BESIDE_AGENTS = 2;
let agentRequestsInFlight = 0;
const webhookGate = createGate({
  concurrency: () => (agentRequestsInFlight > 0 ? WEBHOOKS_IN_FLIGHT_BESIDE_AGENTS : WEBHOOKS_IN_FLIGHT),
  queueLimit: 2_000,
});
const NOT_AGENT_REQUESTS = new Set([WEBHOOK_PATH, "/api/health", "/api/metrics"]);

/** Counts an agent's (or integration's) API request while it is in flight, for the webhook gate. */
function trackAgentRequest(res: ServerResponse, pathname: string | null) {
  if (!pathname?.startsWith("/api/") || NOT_AGENT_REQUESTS.has(pathname)) return;
  agentRequestsInFlight += 1;
  res.once("close", () => {
    agentRequestsInFlight -= 1;
    if (agentRequestsInFlight === 0) webhookGate.pump();
  });
}

// pg-boss 10 does not await complete/fail (timgit/pg-boss#577): during a Postgres restart a lost connection
// rejects with no handler. The pools reconnect, so survive those; anything else is a bug, so log and exit.
process.on("unhandledRejection", (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  if (isDatabaseConnectionError(reason)) {
    log.warn({ role: env.ROLE, err }, "unhandled rejection: database connection lost; continuing");
    return;
  }
  log.fatal({ role: env.ROLE, err }, "unhandled rejection; exiting");
  process.exit(1);
});

/**
 * One id per request: the caller's x-request-id when log-safe, else a new one; route handlers read it from the
 * request (lib/http/route.ts) and it is echoed in the response. One log line per request when it finishes.
 */
function observe(req: IncomingMessage, res: ServerResponse) {
  const id = requestIdFrom(req.headers["x-request-id"]);
  req.headers["x-request-id"] = id;
  res.setHeader("x-request-id", id);
  const started = performance.now();
  res.once("finish", () => {
    const seconds = (performance.now() - started) / 1000;
    // The path only: query strings can carry tokens (hub.verify_token, signed media links).
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (req.method === "POST" && pathname === WEBHOOK_PATH)
      metrics.webhookAck.observe({ code: String(res.statusCode) }, seconds);
    if (pathname.startsWith("/_next/") || pathname === "/api/health") return;
    httpLog.info(
      {
        req_id: id,
        method: req.method,
        path: pathname,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      },
      "request",
    );
  });
}

try {
  const { server, shutdown, announce } = await startTandem({
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
        handle: async (req, res) => {
          observe(req, res);
          const url = parse(req.url ?? "/", true);
          if (req.method !== "POST" || url.pathname !== WEBHOOK_PATH) {
            trackAgentRequest(res, url.pathname);
            return handle(req, res, url);
          }
          webhookGate.admit(
            () =>
              new Promise<void>((done) => {
                // Its place frees when the answer is sent or the sender gave up, whichever comes first.
                res.once("close", () => done());
                if (req.destroyed) return done();
                void handle(req, res, url);
              }),
            // Counted with the acks (tandem_webhook_ack_seconds, code 503).
            () => {
              res.writeHead(503, { "content-type": "application/json", "retry-after": "5" });
              res.end(
                JSON.stringify({ error: { code: "overloaded", message: "Busy; deliver again later" } }),
              );
            },
          );
        },
        upgrade: (req, socket, head) => upgrade(req, socket, head),
      };
    },
    startSimulator: async (input) => {
      // Demo mode only: the app itself never imports the simulator.
      const { startSimulator } = await import("./lib/simulator/server");
      return startSimulator({ ...input, port: env.SIMULATOR_PORT });
    },
  });
  // Socket.io's WebSocket connections on this process (a polling-only client is not counted).
  server.on("upgrade", (req, socket) => {
    if (!req.url?.startsWith("/socket.io")) return;
    metrics.sockets.inc();
    socket.once("close", () => metrics.sockets.dec());
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log.info({ signal, role: env.ROLE }, "shutting down");
      setTimeout(() => process.exit(1), SHUTDOWN_BUDGET_MS).unref();
      void shutdown().then(() => process.exit(0));
    });
  }
  announce();
} catch (error) {
  console.error(
    error instanceof StartupError ? error.message : `Tandem failed to start: ${(error as Error).stack}`,
  );
  process.exit(1);
}
