// The traffic of a fault run, each piece keeping its own record for the ledger: signed webhooks through the
// balancer (retried like Meta retries until a 2xx), REST sends with an Idempotency-Key (retried with the same
// key, sometimes submitted twice on purpose), and Socket.io clients that track per-conversation sequences.
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { io as connect, type Socket } from "socket.io-client";
import { SEND_RETRY_DELAYS_MS } from "@/lib/client/send";
import { inboundMessage, messageEcho, statusUpdate, type Person } from "@/lib/simulator/payloads";
import { DEFAULT_RETRY_SCHEDULE } from "@/lib/simulator/server";
import { metaJson, signBody } from "@/lib/simulator/sign";
import { DEMO_NUMBER, SECRET } from "./cluster";
import { LB_COOKIE, type LbTrace } from "./lb";

export type StatusName = "sent" | "delivered" | "read";
/** What one acknowledged webhook carried: the ledger checks each item was applied. */
export type AckedItem =
  | { kind: "message"; wamid: string; /** Meta's timestamp (unix s) when the harness made it. */ ts?: number }
  | { kind: "status"; wamid: string; status: StatusName };

export type WebhookLedger = {
  acked: AckedItem[];
  posted: number;
  gaveUp: number;
  failedAttempts: number;
  /** Longest time one webhook waited between its first failed attempt and its 2xx. */
  longestOutageMs: number;
  ackLatencies: number[];
  /** Time the open loop waited because `maxInFlight` requests were unanswered (it then catches up). */
  stalledMs: number;
};

const biz = DEMO_NUMBER;

/**
 * Open loop at `rate` requests/s until `until()` says stop; each request retried until a 2xx or `giveUpMs`.
 * With `closedLoop: n` instead, n posters each send the next request as soon as the last was acknowledged
 * (the throughput the processes behind the balancer sustain, for --scale).
 */
export async function runWebhookLoad(opts: {
  url: string;
  rate: number;
  people: number;
  until: () => boolean;
  giveUpMs?: number;
  closedLoop?: number;
  /** Distinct wamids across several runs in one harness run. */
  tag?: string;
  /** Told each 2xx's latency as it happens (the soak's per-interval p99). */
  onAck?: (ms: number) => void;
  /**
   * At most this many requests unanswered (Meta too caps its concurrent deliveries): an overloaded cluster
   * then sees a backlog, not a harness whose ever-growing pile of open requests starves it of CPU.
   */
  maxInFlight?: number;
}): Promise<WebhookLedger> {
  const ledger: WebhookLedger = {
    acked: [],
    posted: 0,
    gaveUp: 0,
    failedAttempts: 0,
    longestOutageMs: 0,
    ackLatencies: [],
    stalledMs: 0,
  };
  const people: Person[] = Array.from({ length: opts.people }, (_, i) => ({
    name: `Fault Customer ${i}`,
    phone: `4477${String(i).padStart(8, "0")}`,
    bsuid: `GB.fault${i}`,
  }));
  const runId = `${crypto.randomBytes(3).toString("hex")}${opts.tag ?? ""}`;
  const inFlight = new Set<Promise<void>>();
  let stamp = 0;
  const ts = () => String((stamp = Math.floor(Date.now() / 1000)));

  /** Request i: inbound, inbound, echo, then the echo before's statuses out of order (read first). */
  function makeRequest(i: number): { body: string; items: AckedItem[] } {
    const p = people[i % people.length]!;
    const cycle = Math.floor(i / people.length);
    const slot = cycle % 6;
    const echoId = (c: number) => `wamid.f${runId}e${i % people.length}c${c}`;
    if (slot === 2) {
      const id = echoId(cycle);
      return {
        body: metaJson(
          messageEcho(biz, p, { id, timestamp: ts(), content: { type: "text", body: `Owner ${i}` } }),
        ),
        items: [{ kind: "message", wamid: id, ts: stamp }],
      };
    }
    if (slot >= 3) {
      // The echo two slots back; "read" before "sent": statuses must never go backwards.
      const status = (["read", "sent", "delivered"] as const)[slot - 3]!;
      const id = echoId(cycle - (slot - 2));
      return {
        body: metaJson(statusUpdate(biz, p, { id, status, timestamp: ts(), sentTo: "phone" })),
        items: [{ kind: "status", wamid: id, status }],
      };
    }
    const id = `wamid.f${runId}i${i}`;
    return {
      body: metaJson(
        inboundMessage(biz, p, { id, timestamp: ts(), content: { type: "text", body: `Question ${i}` } }),
      ),
      items: [{ kind: "message", wamid: id, ts: stamp }],
    };
  }

  async function post(i: number) {
    const { body, items } = makeRequest(i);
    const started = Date.now();
    let firstFailure: number | null = null;
    for (let attempt = 0; ; attempt++) {
      const sentAt = performance.now();
      try {
        const res = await fetch(opts.url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, SECRET) },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        await res.arrayBuffer();
        if (res.ok) {
          const ms = performance.now() - sentAt;
          ledger.ackLatencies.push(ms);
          opts.onAck?.(ms);
          ledger.acked.push(...items);
          if (firstFailure !== null)
            ledger.longestOutageMs = Math.max(ledger.longestOutageMs, Date.now() - firstFailure);
          return;
        }
      } catch {
        // connection refused/reset or timeout: same as a 5xx for Meta
      }
      ledger.failedAttempts += 1;
      firstFailure ??= Date.now();
      if (Date.now() - started > (opts.giveUpMs ?? 120_000)) {
        ledger.gaveUp += 1;
        return;
      }
      await sleep(metaRetryDelayMs(attempt));
    }
  }

  if (opts.closedLoop) {
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.closedLoop }, async () => {
        while (!opts.until()) {
          ledger.posted += 1;
          await post(next++);
        }
      }),
    );
    return ledger;
  }
  const started = performance.now();
  for (let i = 0; !opts.until(); i++) {
    const due = started + (i / opts.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (opts.maxInFlight && inFlight.size >= opts.maxInFlight) {
      const stalled = performance.now();
      while (inFlight.size >= opts.maxInFlight) await Promise.race(inFlight);
      ledger.stalledMs += performance.now() - stalled;
    }
    ledger.posted += 1;
    const p = post(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return ledger;
}

export type SendLedger = {
  /** Idempotency-Key → the message ids the API answered with (all must be one id). */
  keys: Map<string, Set<string>>;
  attempts: number;
  failedAttempts: number;
  doubleSubmits: number;
  gaveUp: number;
};

/** REST sends through the balancer with an API key; every retry and every double submit reuses the key. */
export async function runSendLoad(opts: {
  url: string;
  apiKey: string;
  conversationIds: string[];
  perSecond: number;
  until: () => boolean;
}): Promise<SendLedger> {
  const ledger: SendLedger = { keys: new Map(), attempts: 0, failedAttempts: 0, doubleSubmits: 0, gaveUp: 0 };
  const inFlight = new Set<Promise<void>>();

  async function send(i: number) {
    const key = `faults-${crypto.randomUUID()}`;
    const conversationId = opts.conversationIds[i % opts.conversationIds.length]!;
    const ids = new Set<string>();
    ledger.keys.set(key, ids);
    // The browser's retry (lib/client/send.ts): growing waits, at least the server's retry_after_ms on a 429;
    // its last wait repeats here instead of giving up, so every key is settled in the end.
    let retryAfterMs = 0;
    const submit = async (): Promise<boolean> => {
      ledger.attempts += 1;
      retryAfterMs = 0;
      try {
        const res = await fetch(`${opts.url}/api/v1/conversations/${conversationId}/messages`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${opts.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": key,
          },
          body: JSON.stringify({ type: "text", text: `Agent reply ${i}` }),
          signal: AbortSignal.timeout(20_000),
        });
        const json = (await res.json().catch(() => null)) as {
          id?: string;
          error?: { retry_after_ms?: number };
        } | null;
        retryAfterMs = json?.error?.retry_after_ms ?? 0;
        if (res.ok && json?.id) {
          ids.add(json.id);
          return true;
        }
      } catch {
        // retried below with the same key
      }
      ledger.failedAttempts += 1;
      return false;
    };
    const started = Date.now();
    let attempt = 0;
    while (!(await submit())) {
      if (Date.now() - started > 120_000) {
        ledger.gaveUp += 1;
        return;
      }
      const base = SEND_RETRY_DELAYS_MS[Math.min(attempt++, SEND_RETRY_DELAYS_MS.length - 1)]!;
      await sleep(Math.max(base, retryAfterMs));
    }
    // A double submit (a second click, a client retry after a lost response) must find the same message.
    if (i % 4 === 0) {
      ledger.doubleSubmits += 1;
      await submit();
    }
  }

  const started = performance.now();
  for (let i = 0; !opts.until(); i++) {
    const due = started + (i / opts.perSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const p = send(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return ledger;
}

/** Something that began at `at` (epoch ms) and took `ms`. */
const SLOW_ATTEMPT_MS = 1_000;

/**
 * Meta's webhook retries back off exponentially (PROTOCOL.md §1.3): the simulator's compressed schedule, its
 * last step repeated, each wait jittered as many senders' would be. A fixed short retry (this harness retried
 * every 2 s) is no sender's behaviour: after a 30 s outage it turned 900 pending webhooks into a synchronized
 * storm that queued every agent request behind it for seconds.
 */
function metaRetryDelayMs(attempt: number): number {
  const step = DEFAULT_RETRY_SCHEDULE[Math.min(attempt, DEFAULT_RETRY_SCHEDULE.length - 1)]!;
  return step * (0.5 + Math.random() / 2);
}

/** The balancer's trace of one request, relative to when the client sent it. */
async function balancerTrace(url: string, requestId: string, sentAt: number): Promise<string> {
  const trace = (await fetch(`${url}/__lb/trace?id=${requestId}`)
    .then((r) => r.json())
    .catch(() => null)) as LbTrace | null;
  if (!trace) return " [balancer never saw it]";
  const rel = (t?: number) => (t === undefined ? "never" : `+${t - sentAt} ms`);
  return ` [balancer: arrived ${rel(trace.arrived)}, connected to the backend ${rel(trace.connected)}, request written ${rel(trace.written)}, backend headers ${rel(trace.headers)}, done ${rel(trace.finished)}]`;
}

export type Timed = { at: number; ms: number; detail?: string };

export type SocketClient = {
  name: string;
  socket: Socket;
  /** Sequences received live, per conversation. */
  seen: Map<string, Set<number>>;
  /** The sequence each conversation was caught up to by a refetch after (re)connecting. */
  covered: Map<string, number>;
  connects: number;
  /** Times the server said its LISTEN came back (realtime.resync) and the client refetched. */
  resyncs: number;
  /** Disconnect → connected again, and connected (or told to resync) → refetch done: when each began, how long. */
  reconnects: Timed[];
  catchUps: Timed[];
  liveGaps: number;
};

// How often a listening client shows activity, well inside SESSION_IDLE_MS (30 min).
const SESSION_ACTIVITY_MS = 5 * 60_000;

/**
 * A Socket.io client through the balancer, pinned to a preferred web process by the balancer's cookie (the
 * balancer re-pins it when that process is down). After every (re)connect it refetches what a browser tab
 * refetches; the sequences it covers are read from Postgres just before that refetch starts.
 */
export function startSocketClient(opts: {
  name: string;
  url: string;
  cookie: string;
  prefer: number;
  seqs: () => Promise<Map<string, number>>;
}): SocketClient {
  // The session, and the balancer's pin to the preferred web process: on the socket and every request.
  const headers = { cookie: `${opts.cookie}; ${LB_COOKIE}=${opts.prefer}` };
  const client: SocketClient = {
    name: opts.name,
    socket: connect(opts.url, {
      path: "/socket.io",
      extraHeaders: headers,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
    }),
    seen: new Map(),
    covered: new Map(),
    connects: 0,
    resyncs: 0,
    reconnects: [],
    catchUps: [],
    liveGaps: 0,
  };
  let disconnectedAt: number | null = null;
  let traced = 0;
  const last = new Map<string, number>();
  client.socket.on("conversation.changed", (event) => {
    const e = event as { conversation_id: string; seq: number };
    let set = client.seen.get(e.conversation_id);
    if (!set) client.seen.set(e.conversation_id, (set = new Set()));
    set.add(e.seq);
    const before = Math.max(last.get(e.conversation_id) ?? 0, client.covered.get(e.conversation_id) ?? 0);
    if (before > 0 && e.seq > before + 1) client.liveGaps += 1;
    last.set(e.conversation_id, Math.max(last.get(e.conversation_id) ?? 0, e.seq));
  });
  client.socket.on("disconnect", () => (disconnectedAt ??= Date.now()));
  client.socket.on("connect", () => {
    const connectedAt = Date.now();
    client.connects += 1;
    if (disconnectedAt !== null)
      client.reconnects.push({ at: disconnectedAt, ms: connectedAt - disconnectedAt });
    const reconnect = disconnectedAt !== null;
    disconnectedAt = null;
    void refetch(connectedAt, reconnect);
  });
  // The web process's LISTEN came back after a Postgres restart: what a tab does, a refetch as on reconnect.
  client.socket.on("realtime.resync", () => {
    client.resyncs += 1;
    void refetch(Date.now(), true);
  });
  function refetch(startedAt: number, measured: boolean) {
    return (async () => {
      // The refetch may meet a process that just died: retried like a browser's query would be.
      // Postgres may be down (R4): the harness's own read is retried as well, never left unhandled.
      // Each attempt's outcome and time, so the ledger can say where a slow catch-up spent it.
      const tries: string[] = [];
      for (let attempt = 0; attempt < 200; attempt++) {
        let at = Date.now();
        const seqs = await opts.seqs().catch(() => null);
        if (!seqs) {
          tries.push(`harness read failed ${Date.now() - at} ms`);
          await sleep(250);
          continue;
        }
        at = Date.now();
        const requestId = `trace-${opts.name}-${++traced}`;
        const res = await fetch(`${opts.url}/api/v1/conversations?limit=100`, {
          headers: { ...headers, "x-request-id": requestId },
        }).catch(() => null);
        await res?.arrayBuffer();
        const ms = Date.now() - at;
        // A slow attempt says where it waited: before the balancer, in the backend, or sending the body.
        // The backend's own phases (Server-Timing: auth, handler, total) tell Next's queue from the handler's.
        const phases = res?.headers.get("server-timing");
        const where =
          ms > SLOW_ATTEMPT_MS
            ? `${await balancerTrace(opts.url, requestId, at)}${phases ? ` [backend: ${phases}]` : ""}`
            : "";
        tries.push(
          `${res ? `${res.status} from :${res.headers.get("x-tandem-backend") ?? "balancer"}` : "no answer"} ${ms} ms${where} (${requestId})`,
        );
        if (!res?.ok) {
          await sleep(250);
          continue;
        }
        for (const [id, seq] of seqs) client.covered.set(id, Math.max(client.covered.get(id) ?? 0, seq));
        if (measured)
          client.catchUps.push({ at: startedAt, ms: Date.now() - startedAt, detail: tries.join(", ") });
        return;
      }
    })();
  }
  client.socket.on("connect_error", () => (disconnectedAt ??= Date.now()));
  // A tab's refetches on live updates count as activity against the session's 30-minute idle timeout; a
  // client that only listened would be signed out, and its socket dropped, half an hour into a soak.
  const keepAlive = setInterval(() => {
    if (!client.socket.active) return clearInterval(keepAlive);
    void fetch(`${opts.url}/api/v1/conversations?limit=1`, {
      headers,
    })
      .then((res) => res.arrayBuffer())
      .catch(() => undefined);
  }, SESSION_ACTIVITY_MS);
  keepAlive.unref();
  return client;
}
