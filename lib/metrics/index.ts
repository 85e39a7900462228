// Prometheus metrics (docs/operations.md "Metrics"). Per-process figures (webhook ack latency, WebSocket
// connections, memory) are recorded where they happen; queue depth, apply lag and send rate are read from
// Postgres on each scrape, so every web process reports the same shared figures.
import client from "prom-client";
import { getSql } from "@/lib/db/client";

export type Metrics = {
  registry: client.Registry;
  webhookAck: client.Histogram<"code">;
  sockets: client.Gauge;
};

// server.ts and Next's bundled route handlers load separate copies of this module: one registry per
// process, kept on globalThis, so the route reports what server.ts records.
const KEY = Symbol.for("tandem.metrics");
type Holder = { [KEY]?: Metrics };

export function getMetrics(): Metrics {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createMetrics());
}

function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "tandem_" });

  const webhookAck = new client.Histogram({
    name: "tandem_webhook_ack_seconds",
    help: "Time from a webhook POST arriving to its response (the durable INSERT is inside it), by status code",
    labelNames: ["code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sockets = new client.Gauge({
    name: "tandem_websocket_connections",
    help: "Socket.io WebSocket connections open on this web process",
    registers: [registry],
  });

  new client.Gauge({
    name: "tandem_database_up",
    help: "1 when this process could query Postgres during the scrape, 0 when it could not",
    registers: [registry],
    async collect() {
      this.set(
        await getSql()`select 1`.then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  /** A scrape during a database outage still returns the process figures (the shared ones keep their last value). */
  const fromDb = async (read: () => Promise<void>) => {
    await read().catch(() => {});
  };

  // Both read through webhook_events_pending_idx (pending rows only), whatever the table's size. Each gauge
  // collects its own value: prom-client reads a gauge without a collect before the others finish theirs.
  new client.Gauge({
    name: "tandem_webhook_apply_lag_seconds",
    help: "Age of the oldest stored webhook event not yet applied (0 when none waits)",
    registers: [registry],
    async collect() {
      await fromDb(async () => {
        const [row] = await getSql()<{ lag: number | null }[]>`
          select extract(epoch from now() - min(received_at))::float8 as lag
          from webhook_events where status = 'pending'`;
        this.set(row?.lag ?? 0);
      });
    },
  });

  new client.Gauge({
    name: "tandem_webhook_events_pending",
    help: "Stored webhook events not yet applied (all processes)",
    registers: [registry],
    async collect() {
      await fromDb(async () => {
        const [row] = await getSql()<{ n: number }[]>`
          select count(*)::int as n from webhook_events where status = 'pending'`;
        this.set(row?.n ?? 0);
      });
    },
  });

  new client.Gauge({
    name: "tandem_job_queue_depth",
    help: "pg-boss jobs by queue and state (created, retry, active)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      await fromDb(async () => {
        const rows = await getSql()<{ name: string; state: string; n: number }[]>`
          select name, state::text, count(*)::int as n from pgboss.job
          where state in ('created', 'retry', 'active') group by name, state`;
        this.reset();
        for (const r of rows) this.set({ queue: r.name, state: r.state }, r.n);
      });
    },
  });

  new client.Gauge({
    name: "tandem_sends_per_second",
    help: "Outbound sends settled in the last minute, per second, by outcome (accepted, failed)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      await fromDb(async () => {
        // Bounded by the messages created in the last 15 minutes (an index range), not the whole send log.
        const rows = await getSql()<{ state: string; n: number }[]>`
          select s.state::text, count(*)::int as n from messages m join outbound_sends s on s.message_id = m.id
          where m.created_at > now() - interval '15 minutes' and s.settled_at > now() - interval '1 minute'
          group by s.state`;
        this.reset();
        this.set({ state: "accepted" }, 0);
        this.set({ state: "failed" }, 0);
        for (const r of rows) this.set({ state: r.state }, r.n / 60);
      });
    },
  });

  new client.Gauge({
    name: "tandem_sends_open",
    help: "Outbound sends queued, being sent or held, by state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      await fromDb(async () => {
        // outbound_sends_open_idx covers exactly these states.
        const rows = await getSql()<{ state: string; n: number }[]>`
          select state::text, count(*)::int as n from outbound_sends
          where state in ('queued', 'sending', 'held') group by state`;
        this.reset();
        for (const r of rows) this.set({ state: r.state }, r.n);
      });
    },
  });

  return { registry, webhookAck, sockets };
}
