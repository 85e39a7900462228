// The fault procedures of a fault run besides kill -9 (issue 11): Postgres restarts and outages (R4) and Meta's
// error modes from the simulator (R6). Each returns what it measured; run.ts turns that into ledger checks.
import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import type { Member } from "./cluster";
import { scrapeMetrics, SIM_TOKEN } from "./cluster";

export type PgMode = "fast" | "immediate" | "outage";
export type SimKind = "5xx" | "429" | "131056" | "190";

export type PgFaultResult = {
  mode: PgMode;
  downMs: number;
  /** When Postgres went down and when it accepted connections again (epoch ms; 0 when the fault failed). */
  downAt: number;
  backAt: number;
  /** Postgres back → every running process answers /api/health 200 again, per process. */
  reconnectMs: Record<string, number | null>;
  /** Postgres back → the first stored webhook applied, and the first send Meta accepted (jobs resumed). */
  firstAppliedMs: number | null;
  firstAcceptedMs: number | null;
};

type Restart = (
  mode: "fast" | "immediate",
  downMs: number,
) => Promise<{ downAt: number; stoppedAt: number; backAt: number }>;

/**
 * R4: a fast or immediate shutdown restarted at once, or a 30 s outage (fast shutdown, 30 s down, start). Then
 * every process must find the database again by itself: nothing is restarted or told.
 */
export async function postgresFault(opts: {
  mode: PgMode;
  restart: Restart;
  members: Member[];
  /** The harness's client as of now (it is replaced after the restart). */
  sql: () => postgres.Sql;
  /** For /api/metrics (the web processes' event-loop delay after the fault). */
  apiKey: string;
  say: (line: string) => void;
}): Promise<PgFaultResult> {
  const { mode, say } = opts;
  const downMs = mode === "outage" ? 30_000 : 0;
  const times = await opts.restart(mode === "immediate" ? "immediate" : "fast", downMs);
  say(
    `Postgres ${mode} shutdown took ${times.stoppedAt - times.downAt} ms; down ${times.backAt - times.downAt} ms in all, accepting connections again`,
  );
  const back = times.backAt;
  const reconnectMs: Record<string, number | null> = {};
  // Only processes that lived through the outage: one that crashed is reported by the crash check.
  const survivors = opts.members.filter((m) => m.child);
  await Promise.all(
    survivors.map(async (m) => {
      reconnectMs[m.name] = null;
      const deadline = back + 60_000;
      while (Date.now() < deadline) {
        if (!m.child) return void delete reconnectMs[m.name];
        // A health check answers in milliseconds; 5 s only covers a starved event loop on a busy machine.
        const ok = await fetch(`http://127.0.0.1:${m.port}/api/health`, {
          signal: AbortSignal.timeout(5_000),
        })
          .then(async (r) => (await r.arrayBuffer(), r.status === 200))
          .catch(() => false);
        if (ok) {
          reconnectMs[m.name] = Date.now() - back;
          return;
        }
        await sleep(100);
      }
    }),
  );
  const since = new Date(back);
  // What Postgres' backends wait on right after the database is back (a recovery's queueing point, if any),
  // and how late each web process's event loop ran meanwhile (a busy process, not a waiting one).
  const webs = opts.members.filter((m) => m.role === "web" && m.child);
  await loopDelays(webs, opts.apiKey);
  const waits = sampleWaits(opts.sql, 8_000);
  const delays = waits.then(() => loopDelays(webs, opts.apiKey));
  const firstAfter = async (query: () => Promise<{ at: Date | null }[]>) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
      const [row] = await query().catch(() => [{ at: null }]);
      if (row?.at) return Math.max(0, row.at.getTime() - back);
    }
    return null;
  };
  const [firstAppliedMs, firstAcceptedMs] = await Promise.all([
    firstAfter(
      () => opts.sql()<{ at: Date | null }[]>`
        select min(processed_at) as at from webhook_events where processed_at > ${since}`,
    ),
    firstAfter(
      () => opts.sql()<{ at: Date | null }[]>`
        select min(settled_at) as at from outbound_sends where state = 'accepted' and settled_at > ${since}`,
    ),
  ]);
  const worst = Math.max(...Object.values(reconnectMs).map((v) => v ?? Infinity));
  say(
    `Postgres ${mode}: backends waiting after it was back (most at once, by what they waited on): ${await waits}`,
  );
  say(`Postgres ${mode}: web processes' event-loop delay over those 8 s: ${await delays}`);
  say(
    `Postgres ${mode}: every process healthy ${Number.isFinite(worst) ? `${worst} ms` : "NOT within 60 s"} after it was back; first webhook applied +${firstAppliedMs ?? "never"} ms, first send accepted +${firstAcceptedMs ?? "never"} ms`,
  );
  return { mode, downMs, downAt: times.downAt, backAt: back, reconnectMs, firstAppliedMs, firstAcceptedMs };
}

export type SimFaultResult = {
  kind: SimKind;
  from: number;
  to: number;
  /** Graph send calls the fault answered (by status 4xx/5xx inside the window). */
  failedCalls: number;
  /** 190 only: when the number was seen paused, alerts raised, pauses audited, other number's sends meanwhile. */
  pausedAfterMs?: number | null;
  alerts?: number;
  pauses?: number;
  otherNumberAccepted?: number;
  resumed?: { requeued: number } | null;
};

type Sim = {
  api: <T>(method: "GET" | "POST" | "DELETE", route: string, body?: unknown) => Promise<T>;
};

/**
 * R6: one of Meta's error modes for `durationMs` during the send load. 5xx, 429 (130429) and 131056 are the
 * simulator's injected faults on `pnid`; 190 is real: an admin pastes a wrong token on the second number, Meta
 * refuses it, and after the period the admin pastes the right one and resumes sending (PATCH + resume-sending).
 */
export async function simulatorFault(opts: {
  kind: SimKind;
  durationMs: number;
  sim: Sim;
  pnid: string;
  /** 190: the second number (our id and Meta's), the first number's Meta id, and an admin API key. */
  second: { id: string; pnid: string };
  firstPnid: string;
  apiUrl: string;
  apiKey: string;
  sql: postgres.Sql;
  say: (line: string) => void;
}): Promise<SimFaultResult> {
  const { kind, durationMs, sim, say } = opts;
  const from = Date.now();
  const result: SimFaultResult = { kind, from, to: from, failedCalls: 0 };
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${opts.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${opts.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => {
      const json = (await r.json().catch(() => null)) as unknown;
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    });
  // Admin calls go through the balancer and may meet a process just killed: retried like a person would.
  const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(500);
      }
    }
  };

  if (kind === "190") {
    await retrying(() =>
      admin("PATCH", `/api/v1/numbers/${opts.second.id}`, {
        access_token: "wrong-token-pasted-by-an-admin-000",
      }),
    );
    say(`R6 190: a wrong token on number ${opts.second.pnid} for ${durationMs / 1000} s`);
    let pausedAt: number | null = null;
    for (const end = from + durationMs; Date.now() < end; await sleep(250)) {
      if (pausedAt) continue;
      const [row] = await opts.sql<{ paused: boolean }[]>`
        select sending_paused_at is not null as paused from phone_numbers where id = ${opts.second.id}`.catch(
        () => [],
      );
      if (row?.paused) pausedAt = Date.now();
    }
    await retrying(() => admin("PATCH", `/api/v1/numbers/${opts.second.id}`, { access_token: SIM_TOKEN }));
    result.resumed = (await retrying(() =>
      admin("POST", `/api/v1/numbers/${opts.second.id}/resume-sending`),
    )) as { requeued: number };
    result.to = Date.now();
    result.pausedAfterMs = pausedAt === null ? null : pausedAt - from;
    const since = new Date(from);
    const [alerts] = await opts.sql<{ n: number }[]>`
      select count(*)::int as n from admin_alerts
      where phone_number_id = ${opts.second.id} and kind = 'sending_paused' and created_at >= ${since}`;
    const [pauses] = await opts.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log
      where action = 'number.sending_paused' and entity_id = ${opts.second.id} and at >= ${since}`.catch(
      () => [{ n: -1 }],
    );
    result.alerts = alerts?.n ?? 0;
    result.pauses = pauses?.n ?? -1;
    const requests = await sim
      .api<{ at: number; method: string; path: string; status: number }[]>("GET", "/requests?path=/messages")
      .catch(() => []);
    const inWindow = requests.filter((r) => r.method === "POST" && r.at >= from && r.at <= result.to);
    result.otherNumberAccepted = inWindow.filter(
      (r) => r.path.endsWith(`/${opts.firstPnid}/messages`) && r.status === 200,
    ).length;
    result.failedCalls = inWindow.filter(
      (r) => r.path.endsWith(`/${opts.second.pnid}/messages`) && r.status >= 400,
    ).length;
    say(
      `R6 190: token fixed and sending resumed (${result.resumed?.requeued ?? 0} held sends re-queued); paused ${result.pausedAfterMs === null ? "never" : `after ${result.pausedAfterMs} ms`}, ${result.alerts} admin alerts, ${result.pauses} pauses audited, ${result.failedCalls} refused calls, ${result.otherNumberAccepted} sends of the other number accepted meanwhile`,
    );
    return result;
  }

  const fault = kind === "5xx" ? { httpStatus: 503 } : kind === "429" ? { code: 130429 } : { code: 131056 };
  await sim.api("POST", "/faults", { ...fault, numberId: opts.pnid, durationMs, scope: "messages" });
  say(
    `R6 ${kind}: the simulator answers ${JSON.stringify(fault)} on ${opts.pnid} for ${durationMs / 1000} s`,
  );
  await sleep(durationMs);
  result.to = Date.now();
  const requests = await sim
    .api<{ at: number; method: string; path: string; status: number }[]>("GET", "/requests?path=/messages")
    .catch(() => []);
  result.failedCalls = requests.filter(
    (r) => r.method === "POST" && r.at >= from && r.at <= result.to && r.status >= 400,
  ).length;
  say(`R6 ${kind}: cleared; ${result.failedCalls} send calls refused meanwhile`);
  return result;
}

/**
 * Each web process's event-loop delay (p99 / max) since the previous call: prom-client's default metrics reset
 * their histogram on every scrape of /api/metrics.
 */
async function loopDelays(webs: Member[], apiKey: string): Promise<string> {
  const each = await Promise.all(
    webs.map(async (m) => {
      const { value } = await scrapeMetrics(m.port, apiKey);
      const ms = (name: string) => {
        const seconds = value(`tandem_nodejs_eventloop_lag_${name}_seconds`);
        return Number.isFinite(seconds) ? `${Math.round(seconds * 1000)}` : "?";
      };
      return `${m.name} p99 ${ms("p99")} / max ${ms("max")} ms`;
    }),
  );
  return each.join(", ") || "no web process";
}

/** Samples pg_stat_activity every 250 ms for `ms`: the most backends seen at once waiting on each thing. */
async function sampleWaits(sql: () => postgres.Sql, ms: number): Promise<string> {
  const most = new Map<string, number>();
  for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) {
    const rows = await sql()<{ what: string; n: number }[]>`
      select coalesce(wait_event_type || ':' || wait_event, 'cpu') || ' ' ||
             coalesce(nullif(left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60), ''), '?') as what, count(*)::int as n
      from pg_stat_activity
      where state = 'active' and pid <> pg_backend_pid() and backend_type = 'client backend'
      group by 1`.catch(() => []);
    for (const r of rows) most.set(r.what, Math.max(most.get(r.what) ?? 0, r.n));
  }
  const top = [...most].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return top.length ? top.map(([what, n]) => `${n} × ${what}`).join("; ") : "none";
}
