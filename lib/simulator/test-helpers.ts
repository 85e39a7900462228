// Shared by the simulator's tests: a tiny webhook receiver that checks signatures independently.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimulatorOptions } from "./server";
import { startSimulator } from "./server";

/** Loosely typed JSON for assertions on webhook payloads and API answers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export const SECRET = "test-app-secret";
export const TOKEN = "test-token";
export const NUMBERS = [
  {
    wabaId: "900000000000001",
    phoneNumberId: "100000000000001",
    displayNumber: "15550001111",
    coexistence: true,
  },
  {
    wabaId: "900000000000001",
    phoneNumberId: "100000000000002",
    displayNumber: "15550002222",
    coexistence: false,
  },
];

export type Received = {
  raw: Buffer;
  signature: string | undefined;
  validSignature: boolean;
  json: unknown;
  at: number;
};

/** Replies with `statuses.shift()` (default 200) and records raw bodies. */
export async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers["x-hub-signature-256"] as string | undefined;
      received.push({
        raw,
        signature,
        validSignature: verify(raw, signature),
        json: JSON.parse(raw.toString("utf8")),
        at: Date.now(),
      });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return {
    url,
    received,
    statuses,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function verify(raw: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = Buffer.from(createHmac("sha256", SECRET).update(raw).digest("hex"), "hex");
  const got = Buffer.from(header.slice(7), "hex");
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startPair(opts: Partial<SimulatorOptions> = {}, statuses: number[] = []) {
  const receiver = await startReceiver(statuses);
  const sim = await startSimulator({
    port: 0,
    appWebhookUrl: receiver.url,
    appSecret: SECRET,
    accessToken: TOKEN,
    numbers: NUMBERS,
    retrySchedule: [30, 60, 90],
    webhookTimeoutMs: 2000,
    log: () => {},
    ...opts,
    config: { statusStepMs: 10, templateReviewMs: 30, ...opts.config },
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.url}/sim/api${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Loose };
  };
  const graph = async (method: string, path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${sim.url}/v25.0${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Loose = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* binary or html */
    }
    return { status: res.status, body: json };
  };
  return {
    sim,
    receiver,
    api,
    graph,
    idle: () => sim.state.delivery.idle(),
    close: async () => {
      await sim.stop();
      await receiver.close();
    },
  };
}

/** Every change.value of a given field across everything received. */
export function valuesOf(received: Received[], field: string): Array<Record<string, Loose>> {
  return received.flatMap((r) =>
    (
      r.json as { entry: Array<{ changes: Array<{ field: string; value: Record<string, Loose> }> }> }
    ).entry.flatMap((e) => e.changes.filter((c) => c.field === field).map((c) => c.value)),
  );
}
