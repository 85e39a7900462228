// A small sticky load balancer in front of the web processes, as a production proxy would sit there
// (docs/operations.md has the nginx equivalent). Socket.io's polling transport needs every request of one
// session on the same process, so the first response pins the client with a cookie; WebSockets are proxied
// on upgrade. A backend that fails a request or its health check is skipped until it answers again.
import http from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createProxyServer } from "http-proxy-3";

export const LB_COOKIE = "tandem_lb";
const HEALTH_EVERY_MS = 400;

type Backend = { port: number; up: boolean };
/** Where a traced request spent its time in the balancer (epoch ms): to tell a slow backend from a slow hop. */
export type LbTrace = {
  arrived: number;
  backend?: number;
  /** The balancer's connection to the backend opened, and the request was written to it. */
  connected?: number;
  written?: number;
  headers?: number;
  finished?: number;
};
// Requests whose x-request-id starts with this are traced (the socket clients' catch-up refetches).
const TRACED_PREFIX = "trace-";
type Pinned = http.IncomingMessage & { lbSetCookie?: string };

export type Balancer = {
  url: string;
  port: number;
  backends: Backend[];
  /** Marks a backend down at once (the harness kills it) instead of waiting for the next health check. */
  markDown: (port: number) => void;
  /** Answers by status as the client saw them: 502 = a process died under the request, 503 = none up. */
  answered: Record<string, number>;
  stop: () => Promise<void>;
};

export async function startStickyBalancer(ports: number[]): Promise<Balancer> {
  const backends: Backend[] = ports.map((port) => ({ port, up: true }));
  // Connections to the backends are kept and reused, as nginx's upstream keepalive does: a new TCP connection
  // per request (http-proxy's default) cost this process its event loop under a retry storm (requests waited
  // seconds here while the backends answered in milliseconds).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 30_000, agent });
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  let next = 0;
  const answered: Record<string, number> = {};
  const traces = new Map<string, LbTrace>();

  // Without an "error" listener http-proxy-3 rethrows a socket error that has no callback (an EPIPE on a
  // client socket while a backend answers a WebSocket upgrade with plain HTTP during a Postgres restart) and
  // the balancer process dies: the fault harness lost its balancer that way. A proxy survives its clients.
  proxy.on("error", (_error, _req, target) => {
    if (!target) return;
    if ("writeHead" in target) {
      if (!target.headersSent) target.writeHead(502, { "content-type": "text/plain" });
      target.end("bad gateway");
    } else target.destroy();
  });

  proxy.on("proxyReq", (proxyReq, req) => {
    const trace = traces.get(String(req.headers["x-request-id"]));
    if (!trace) return;
    // A reused keep-alive connection counts as connected at once; the socket may be assigned already.
    const onSocket = (socket: Socket) =>
      socket.connecting
        ? socket.once("connect", () => (trace.connected = Date.now()))
        : (trace.connected = Date.now());
    if (proxyReq.socket) onSocket(proxyReq.socket as Socket);
    else proxyReq.once("socket", onSocket);
    proxyReq.once("finish", () => (trace.written = Date.now()));
  });

  proxy.on("proxyRes", (proxyRes, req) => {
    const trace = traces.get(String(req.headers["x-request-id"]));
    if (trace) trace.headers = Date.now();
    const cookie = (req as Pinned).lbSetCookie;
    if (!cookie) return;
    const existing = proxyRes.headers["set-cookie"] ?? [];
    proxyRes.headers["set-cookie"] = [...existing, cookie];
  });

  /** The pinned backend while it is up; otherwise the next healthy one, pinned afresh. */
  function pick(req: Pinned): Backend | undefined {
    const pinned = /(?:^|;\s*)tandem_lb=(\d+)/.exec(req.headers.cookie ?? "")?.[1];
    const current = pinned === undefined ? undefined : backends[Number(pinned)];
    if (current?.up) return current;
    const healthy = backends.filter((b) => b.up);
    if (healthy.length === 0) return undefined;
    const chosen = healthy[next++ % healthy.length]!;
    req.lbSetCookie = `${LB_COOKIE}=${backends.indexOf(chosen)}; Path=/; HttpOnly; SameSite=Lax`;
    return chosen;
  }

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/__lb/")) return control(req, res);
    const id = req.headers["x-request-id"];
    if (typeof id === "string" && id.startsWith(TRACED_PREFIX)) {
      const trace: LbTrace = { arrived: Date.now() };
      traces.set(id, trace);
      res.once("finish", () => (trace.finished = Date.now()));
    }
    res.once("finish", () => (answered[res.statusCode] = (answered[res.statusCode] ?? 0) + 1));
    const backend = pick(req);
    if (!backend) return void res.writeHead(503, { "content-type": "text/plain" }).end("no backend");
    res.setHeader("x-tandem-backend", String(backend.port));
    if (typeof id === "string" && traces.has(id)) traces.get(id)!.backend = backend.port;
    proxy.web(req, res, { target: `http://127.0.0.1:${backend.port}` }, (error) => {
      // A refused connection: that process is gone. Not a client that gave up, nor a slow answer: a busy
      // process is not a dead one. The client (Meta, a browser) retries either way.
      if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") backend.up = false;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`bad gateway: ${(error as Error).message}`);
    });
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client gone mid-upgrade (EPIPE, ECONNRESET) ends its own socket, never the process.
    socket.on("error", () => socket.destroy());
    const backend = pick(req);
    if (!backend) return void socket.destroy();
    proxy.ws(req, socket, head, { target: `ws://127.0.0.1:${backend.port}` }, () => socket.destroy());
  });
  // A keep-alive connection to the LB must not outlive its backend's socket.
  server.keepAliveTimeout = 2_000;

  /** The harness's control calls when the balancer runs as its own process (lb-main.ts). */
  function control(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://lb");
    if (req.method === "POST" && url.pathname === "/__lb/down") {
      const port = Number(url.searchParams.get("port"));
      backends.filter((b) => b.port === port).forEach((b) => (b.up = false));
      return void res.writeHead(204).end();
    }
    if (url.pathname === "/__lb/trace") {
      const trace = traces.get(url.searchParams.get("id") ?? "");
      return void res
        .writeHead(trace ? 200 : 404, { "content-type": "application/json" })
        .end(JSON.stringify(trace ?? null));
    }
    if (url.pathname === "/__lb/loop")
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 }));
    if (url.pathname === "/__lb/stats")
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answered));
    res.writeHead(404).end();
  }

  const checking = new Set<Backend>();
  const timer = setInterval(() => {
    for (const b of backends) {
      if (checking.has(b)) continue;
      checking.add(b);
      const req = http.get({ host: "127.0.0.1", port: b.port, path: "/api/health" }, (res) => {
        b.up = res.statusCode === 200;
        res.resume();
        checking.delete(b);
      });
      // Down when it refuses connections or says it is not ready (503); a slow answer only delays the check.
      req.on("error", () => {
        b.up = false;
        checking.delete(b);
      });
    }
  }, HEALTH_EVERY_MS);

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    backends,
    answered,
    markDown: (p) => backends.filter((b) => b.port === p).forEach((b) => (b.up = false)),
    stop: async () => {
      clearInterval(timer);
      loopDelay.disable();
      agent.destroy();
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
