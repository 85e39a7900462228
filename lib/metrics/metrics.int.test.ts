import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { createApiKey } from "@/lib/api-keys";
import { systemActor } from "@/lib/auth/actor";
import { storeWebhookEvent } from "@/lib/ingest";
import { useTestDatabase } from "@/tests/int/db";
import { getMetrics } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };
const none = { params: Promise.resolve({}) };

async function scrape(key?: string) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  return GET(new NextRequest("http://localhost/api/metrics", { headers }), none);
}

describe("GET /api/metrics", () => {
  it("is not public: no credentials 401, a key without audit:read 403", async () => {
    expect((await scrape()).status).toBe(401);
    const { key } = await createApiKey({ ctx: system, input: { name: "agent key", role: "agent" } });
    expect((await scrape(key)).status).toBe(403);
  });

  it("serves Prometheus text with the process figures and the shared ones read on scrape", async () => {
    const { key } = await createApiKey({ ctx: system, input: { name: "prometheus", role: "supervisor" } });
    getMetrics().webhookAck.observe({ code: "200" }, 0.012);
    // A stored, not yet applied event: the pending gauge must read it from Postgres at scrape time.
    await storeWebhookEvent(Buffer.from('{"object":"whatsapp_business_account","entry":[]}'));
    const res = await scrape(key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^tandem_webhook_ack_seconds_count\{code="200"\} [1-9]/m);
    expect(text).toMatch(/^tandem_webhook_events_pending [1-9]/m);
    // The stored event is at least a moment old: the lag is read at scrape time, not left from before.
    expect(text).toMatch(/^tandem_webhook_apply_lag_seconds (0\.0*[1-9]|[1-9])/m);
    expect(text).toMatch(/^tandem_database_up 1$/m);
    expect(text).toContain("# TYPE tandem_job_queue_depth gauge");
    expect(text).toMatch(/^tandem_sends_per_second\{state="accepted"\} 0$/m);
    expect(text).toContain("# TYPE tandem_websocket_connections gauge");
    expect(text).toMatch(/^tandem_process_resident_memory_bytes [1-9]/m);
  });
});
