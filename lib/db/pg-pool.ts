import pg from "pg";

// node-postgres pools for the two libraries that require `pg`: pg-boss and the Socket.io Postgres
// adapter/emitter. Connection budget per process: postgres.js 16 (main) + 4 (webhook ack) + 2 (reports)
// + pg-boss 4 + realtime 2 = 28.
export function createPgPool(url: string, max: number, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName });
  // An idle client erroring (e.g. Postgres restarted) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error(`[${applicationName}] idle client error: ${err.message}`));
  // A client checked out for good (the Socket.io adapter's LISTEN client) has no pool listener: its error
  // would be thrown as uncaught. Its owner sees the "end" that follows and reconnects.
  pool.on("connect", (client) =>
    client.on("error", (err) => console.error(`[${applicationName}] client error: ${err.message}`)),
  );
  return pool;
}
