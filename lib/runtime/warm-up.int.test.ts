import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { useTestDatabase } from "@/tests/int/db";
import { isWarmingUp, markWarmingUp, warmUp } from "./warm-up";

useTestDatabase();

describe("warming up a web process", () => {
  it("answers /api/health 503 until the first routes a tab calls were requested once, then 200", async () => {
    const requested: string[] = [];
    let healthWhileRequested: number | undefined;
    const server = createServer((req, res) => {
      requested.push(`${req.method} ${req.url}`);
      void health().then((r) => {
        healthWhileRequested ??= r.status;
        res.writeHead(401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      markWarmingUp();
      expect(isWarmingUp()).toBe(true);
      const before = await health();
      expect(before.status).toBe(503);
      expect(await before.json()).toMatchObject({ ok: false, db: "up", reason: "warming up" });

      await warmUp((server.address() as AddressInfo).port);
      expect(healthWhileRequested).toBe(503);
      expect(requested).toEqual(
        expect.arrayContaining(["GET /api/v1/conversations?limit=1", "GET /api/v1/me"]),
      );
      expect(requested.some((r) => r.startsWith("POST /api/v1/conversations/"))).toBe(true);
      expect(isWarmingUp()).toBe(false);
      expect((await health()).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it("reports ready even when the routes cannot be reached", async () => {
    markWarmingUp();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await warmUp(port);
    expect(isWarmingUp()).toBe(false);
  });
});
