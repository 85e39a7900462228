import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

const dataDir = path.resolve(
  import.meta.dirname,
  "../../.test-data",
  `restart-${crypto.randomBytes(4).toString("hex")}`,
);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("embedded Postgres", () => {
  it("keeps data across a stop and a start, on a new free port", async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    await runMigrations(first.url);
    const sql1 = postgres(first.url, { max: 1, onnotice: () => {} });
    await sql1`insert into teams (name) values ('Persistent team')`;
    await sql1.end();
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      await runMigrations(second.url); // idempotent on an up-to-date database
      const sql2 = postgres(second.url, { max: 1, onnotice: () => {} });
      const rows = await sql2`select name from teams`;
      await sql2.end();
      expect(rows.map((r) => r.name)).toEqual(["Persistent team"]);
    } finally {
      await second.stop();
    }
  });
});
