import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/context";
import { ForbiddenError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
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
