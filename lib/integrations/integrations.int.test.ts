import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/context";
import { ForbiddenError } from "@/lib/errors";
import { createUser } from "@/lib/users";
import { GET as deliveriesRoute } from "@/app/api/v1/webhook-endpoints/[id]/deliveries/route";
import { useTestDatabase } from "@/tests/int/db";
import { sessionCookieFor } from "@/tests/int/session-cookie";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import {
  createEndpoint,
  deliverDueWebhooks,
  emitIntegrationEvent,
  listDeliveries,
  redeliver,
  signWebhook,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("89");

type Hit = { event: string; body: string; timestamp: string; signature: string };
const hits: Hit[] = [];
let failNext = 0;
let server: http.Server;
let url = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({
        event: String(req.headers["x-tandem-event"]),
        body,
        timestamp: String(req.headers["x-tandem-timestamp"]),
        signature: String(req.headers["x-tandem-signature"]),
      });
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(500).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("outbound webhooks", () => {
  it("sends subscribed events, signed, once each; retries failures with backoff; redelivers on request", async () => {
    await expect(
      createEndpoint({
        ctx: { actor: ws.supervisor },
        input: { name: "CRM", url, events: ["message.received"] },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { id, secret } = await createEndpoint({
      ctx: system,
      input: { name: "CRM", url, events: ["message.received", "conversation.resolved"] },
    });
    const c = await customer({ text: "Where is my order?" });
    await waitFor(async () => (await deliverDueWebhooks({ ctx: system })) > 0 || hits.length > 0);
    const received = hits.find((h) => h.event === "message.received")!;
    expect(signWebhook(secret, received.timestamp, received.body)).toBe(received.signature);
    expect(JSON.parse(received.body)).toMatchObject({
      type: "message.received",
      data: { conversation_id: c.conversationId, text: "Where is my order?" },
    });

    // A failing receiver is retried later, not lost.
    failNext = 1;
    await resolveConversation({ ctx: { actor: ws.supervisor }, input: { conversationId: c.conversationId } });
    await deliverDueWebhooks({ ctx: system });
    let log = await listDeliveries({ ctx: system, input: { id } });
    expect(log.data[0]).toMatchObject({
      event_type: "conversation.resolved",
      status: "pending",
      last_status_code: 500,
    });
    await getDb().execute(
      sql`update webhook_deliveries set next_attempt_at = now() where status = 'pending'`,
    );
    await deliverDueWebhooks({ ctx: system });
    log = await listDeliveries({ ctx: system, input: { id } });
    expect(log.data[0]).toMatchObject({ status: "delivered", attempts: 2 });

    const before = hits.length;
    await redeliver({ ctx: system, input: { id, deliveryId: String(log.data[0]!.id) } });
    await deliverDueWebhooks({ ctx: system });
    expect(hits.length).toBe(before + 1);
  });

  it("logs the receiver's status and the first 2 KB of its answer, and why a network failure failed", async () => {
    // A receiver that refuses with a short JSON reason, one that answers with a long page, and a closed port.
    const long = "a" + "é".repeat(1500); // 3001 bytes: byte 2048 is the middle of the 1024th "é".
    const refuser = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/short")
          res.writeHead(500, { "content-type": "application/json" }).end('{"error":"db down"}');
        else res.writeHead(503, { "content-type": "text/plain" }).end(long);
      });
    });
    await new Promise<void>((resolve) => refuser.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(refuser.address() as AddressInfo).port}`;
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hooks`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const endpoint = async (name: string, target: string) =>
        (await createEndpoint({ ctx: system, input: { name, url: target, events: ["conversation.note"] } }))
          .id;
      const short = await endpoint("Short", `${base}/short`);
      const longId = await endpoint("Long", `${base}/long`);
      const down = await endpoint("Down", closedUrl);
      await withTransaction(system, (tx) => emitIntegrationEvent(tx, "conversation.note", { note_id: "n1" }));
      await deliverDueWebhooks({ ctx: system });

      const admin = await createUser({
        ctx: system,
        input: {
          email: `webhooks-${Date.now()}@example.com`,
          name: "Webhook admin",
          role: "admin",
          password: "correct horse battery staple",
        },
      });
      const cookie = await sessionCookieFor(admin.id);
      const logOf = async (id: string) => {
        const res = await deliveriesRoute(
          new NextRequest(`http://localhost/api/v1/webhook-endpoints/${id}/deliveries`, {
            headers: { cookie },
          }),
          { params: Promise.resolve({ id }) },
        );
        expect(res.status).toBe(200);
        return ((await res.json()) as { data: Record<string, unknown>[] }).data[0]!;
      };
      expect(await logOf(short)).toMatchObject({
        status: "pending",
        last_status_code: 500,
        last_error: "HTTP 500",
        last_response_body: '{"error":"db down"}',
        last_response_truncated: false,
      });
      expect(await logOf(longId)).toMatchObject({
        last_status_code: 503,
        last_response_body: "a" + "é".repeat(1023),
        last_response_truncated: true,
      });
      const failed = await logOf(down);
      expect(failed).toMatchObject({ last_status_code: null, last_response_body: null });
      expect(failed.last_error).toMatch(/ECONNREFUSED/);
    } finally {
      await new Promise((resolve) => refuser.close(resolve));
    }
  });

  it("announces nothing for a change that rolled back (the outbox is in the same transaction)", async () => {
    const [before] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from webhook_deliveries`,
    );
    await expect(
      withTransaction(system, async (tx) => {
        await emitIntegrationEvent(tx, "message.received", { message_id: "x" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const [after] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from webhook_deliveries`,
    );
    expect(after?.n).toBe(before?.n);
  });
});
