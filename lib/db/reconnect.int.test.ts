import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { setRuntimeEnv } from "@/lib/env.js";
import { useTestDatabase } from "@/tests/int/db";
import { closeDb, getSql, reconnectBackoffSeconds } from "./client";

const db = useTestDatabase();

/** A TCP hop in front of Postgres that can refuse connections for a while, as a stopped server does. */
async function outageProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined).on("close", () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    down: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    up: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the database pool after an outage", () => {
  let proxy: Awaited<ReturnType<typeof outageProxy>> | undefined;
  afterAll(async () => {
    await closeDb();
    await proxy?.close().catch(() => undefined);
  });

  it("keeps every connection trying about once a second during an outage, and answers once it is over", async () => {
    const target = new URL(db.url);
    proxy = await outageProxy(target);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    setRuntimeEnv({ DATABASE_URL: viaProxy.toString() });
    const sql = getSql();
    expect((await sql`select 1 as one`)[0]?.one).toBe(1);

    // Requests keep coming on every connection of the pool during an 8 s outage, so attempts fail over and over.
    // postgres.js's own backoff stretches each connection's next attempt towards 10–20 s (about 30 attempts
    // in all here); ours keeps every connection trying about once a second (about 180).
    await proxy.down();
    let outage = true;
    let failures = 0;
    const callers = Array.from({ length: 16 }, async () => {
      while (outage) await sql`select 1`.catch(() => (failures += 1));
    });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await proxy.up();
    outage = false;
    expect(failures).toBeGreaterThan(16 * 4);

    const started = performance.now();
    const answer = await Promise.race([
      sql`select 2 as two`.then((rows) => rows[0]?.two),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5_000)),
    ]);
    expect(answer, `answered after ${Math.round(performance.now() - started)} ms`).toBe(2);
    await Promise.all(callers);
  });

  it("never waits more than a quarter second between attempts, and starts small", () => {
    for (const retries of [0, 1, 5, 16, 100])
      for (const random of [0, 0.5, 1])
        expect(reconnectBackoffSeconds(retries, random)).toBeLessThanOrEqual(0.25);
    expect(reconnectBackoffSeconds(1, 1)).toBeLessThan(0.2);
  });
});
