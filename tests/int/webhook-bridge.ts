import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { systemActor } from "@/lib/auth/actor";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";

/**
 * The app's receive path for integration tests without a web server: each webhook the simulator delivers
 * is stored and applied exactly as the route and the drain would. `idle()` waits until all are applied.
 */
export async function startWebhookBridge() {
  let pending = 0;
  let waiters: (() => void)[] = [];
  const settle = () => {
    if (pending > 0) return;
    for (const w of waiters) w();
    waiters = [];
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    pending++;
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        try {
          const id = await storeWebhookEvent(Buffer.concat(chunks));
          res.writeHead(200).end();
          await applyWebhookEvent({ ctx: { actor: systemActor("test-bridge") }, input: { eventId: id } });
        } catch (error) {
          if (!res.headersSent) res.writeHead(500).end();
          console.error(`[bridge] ${(error as Error).message}`);
        } finally {
          pending--;
          settle();
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/whatsapp`,
    /** Resolves once no webhook is being stored or applied (after an optional quiet period for late ones). */
    async idle(quietMs = 0): Promise<void> {
      for (;;) {
        if (pending > 0) await new Promise<void>((r) => waiters.push(r));
        if (quietMs === 0) return;
        await new Promise((r) => setTimeout(r, quietMs));
        if (pending === 0) return;
      }
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
