import net from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "./check-health";

// A "broken pool": a listener that accepts the connection and never answers, so every query waits.
let server: net.Server;
const sockets = new Set<net.Socket>();
let port = 0;

beforeAll(async () => {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe("checkHealth", () => {
  it("answers down with a reason when the database never answers", async () => {
    const sql = postgres(`postgres://x:y@127.0.0.1:${port}/db`, { max: 1, connect_timeout: 3600 });
    try {
      const health = await checkHealth({ sql, timeoutMs: 50 });
      expect(health).toEqual({
        ok: false,
        db: "down",
        jobs: { lag_ms: null },
        reason: "database check timed out after 50 ms",
      });
    } finally {
      void sql.end({ timeout: 0 });
    }
  });
});
