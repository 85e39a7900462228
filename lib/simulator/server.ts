// Cloud API simulator on loopback: Graph endpoints, signed webhook delivery, /sim/api and the page.
// Never imported by app code (except server.ts in demo mode); imports nothing from the app.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { NumberConfig, SimConfig } from "./engine";
import { Engine } from "./engine";
import { handleGraph } from "./graph";
import { watchConnections, watchLoop } from "./loop-watch";
import type { Template } from "./rules";
import { handleSimApi } from "./sim-api";

export type SimulatorOptions = {
  port?: number;
  host?: string;
  appWebhookUrl: string;
  appSecret: string;
  accessToken: string;
  numbers: NumberConfig[];
  /** Compressed backoff between webhook attempts, in ms. */
  retrySchedule?: number[];
  webhookTimeoutMs?: number;
  /** Meta escapes "/" as "\/" in webhook bodies; keep it on to catch re-serialising verifiers. */
  escapeSlashes?: boolean;
  config?: Partial<SimConfig>;
  templates?: Array<Partial<Template> & { name: string; wabaId?: string }>;
  log?: (line: string) => void;
};

export type Simulator = {
  url: string;
  port: number;
  state: Engine;
  stop(): Promise<void>;
};

export const DEFAULT_RETRY_SCHEDULE = [250, 1000, 5000, 15000];

/** Seeded when no `templates` option is given, so a demo can send templates at once. */
export const DEMO_TEMPLATES: NonNullable<SimulatorOptions["templates"]> = [
  {
    name: "hello_world",
    category: "UTILITY",
    components: [{ type: "BODY", text: "Hello {{1}}, thanks for getting in touch." }],
  },
  {
    name: "order_ready",
    category: "UTILITY",
    parameterFormat: "NAMED",
    components: [{ type: "BODY", text: "Hi {{first_name}}, your order {{order_id}} is ready for pickup." }],
  },
  {
    name: "spring_promo",
    category: "MARKETING",
    components: [
      { type: "HEADER", format: "IMAGE" },
      { type: "BODY", text: "Spring sale: {{1}} off everything this week!" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop promotions" }] },
    ],
  },
];

const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));
const PAGE_FILES: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/app.js": "app.js",
  "/style.css": "style.css",
};
const MIME: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const log = options.log ?? ((line: string) => console.log(`[sim] ${line}`));
  const engine = new Engine({
    numbers: options.numbers,
    appWebhookUrl: options.appWebhookUrl,
    appSecret: options.appSecret,
    accessToken: options.accessToken,
    retrySchedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
    escapeSlashes: options.escapeSlashes ?? true,
    ...(options.config ? { config: options.config } : {}),
    templates: options.templates ?? DEMO_TEMPLATES,
    log,
  });

  const loop = watchConnections(watchLoop());
  const server = createServer((req, res) => {
    handle(engine, req, res, loop).catch((e: unknown) => {
      log(`error ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, { error: "simulator error" });
      else res.end();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on("connection", (socket) => loop.accepted(socket, Date.now()));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  engine.baseUrl = url;

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    state: engine,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        engine.delivery.stop();
        loop.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

async function handle(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  loop: ReturnType<typeof watchConnections>,
): Promise<void> {
  // Stamped on arrival, as Meta's edge would: reading the body takes turns of this (busy) event loop, and a
  // stamp after it made the simulator's own delay look like a crowded window to the throughput limit.
  const at = Date.now();
  const heldMs = loop.heldMs(req.socket, at);
  const receivedAtMs = engine.now();
  const u = new URL(req.url ?? "/", "http://sim.local");
  const method = req.method ?? "GET";
  const rawBody = await readBody(req);

  if (u.pathname.startsWith("/sim/api/") || u.pathname === "/sim/api") {
    const out = await handleSimApi(
      engine,
      method,
      u.pathname.slice("/sim/api".length) || "/",
      u.searchParams,
      rawBody,
    );
    return send(res, out.status, out.body);
  }

  const page = PAGE_FILES[u.pathname];
  if (page && method === "GET") {
    const text = await readFile(PAGE_DIR + page, "utf8");
    res.writeHead(200, {
      "content-type": MIME[page.split(".").pop()!] ?? "text/plain",
      "cache-control": "no-store",
    });
    res.end(text);
    return;
  }
  if (u.pathname === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }

  // Graph API: optional /vNN.N prefix.
  const path = u.pathname.replace(/^\/v\d+(\.\d+)?(?=\/)/, "");
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
  );
  const out = await handleGraph(engine, {
    method,
    path,
    query: u.searchParams,
    headers,
    rawBody,
    receivedAtMs,
    heldMs,
  });
  engine.logRequest({
    at,
    ...(heldMs > 0 ? { held_ms: heldMs } : {}),
    method,
    path: u.pathname,
    query: Object.fromEntries(u.searchParams),
    headers: redact(headers),
    ...(rawBody.length ? { body: loggedBody(headers["content-type"] ?? "", rawBody) } : {}),
    status: out.status,
    ...(out.raw ? {} : { response: out.body }),
  });
  if (out.raw) {
    res.writeHead(out.status, {
      "content-type": out.contentType ?? "application/octet-stream",
      "content-length": out.raw.length,
    });
    res.end(out.raw);
    return;
  }
  if (out.contentType && typeof out.body === "string") {
    res.writeHead(out.status, { "content-type": out.contentType });
    res.end(out.body);
    return;
  }
  send(res, out.status, out.body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function loggedBody(contentType: string, raw: Buffer): unknown {
  if (contentType.includes("json")) {
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      return raw.toString("utf8");
    }
  }
  if (contentType.includes("x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  return { contentType, bytes: raw.length };
}

function redact(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  if (out.authorization) out.authorization = out.authorization.replace(/(Bearer\s+).{4,}/, "$1***");
  return out;
}
