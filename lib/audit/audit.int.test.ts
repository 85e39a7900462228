import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb, type Db } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
import { emitAudit, emitAuditBatch } from "./emit-audit";
import { auditHash, GENESIS_HASH } from "./hash";
import { verifyAudit } from "./verify-audit";
import { verifyAuditChain } from "./verify";

// R16 (BENCHMARKS.md): tampering happens in scratch databases cloned from the migrated template, so the
// superuser tricks (session_replication_role, disabled triggers) never touch a database other tests use.
const root = path.resolve(import.meta.dirname, "../..");
const testDb = useTestDatabase();
const admin: Actor = { type: "user", id: crypto.randomUUID(), role: "admin", teamIds: [] };
const agent: Actor = { type: "user", id: crypto.randomUUID(), role: "agent", teamIds: [] };

type Scratch = { url: string; sql: postgres.Sql; db: Db };
const scratches: Scratch[] = [];
afterAll(async () => {
  const adminSql = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  for (const s of scratches) {
    await s.sql.end({ timeout: 5 });
    await adminSql.unsafe(`drop database if exists ${new URL(s.url).pathname.slice(1)} with (force)`);
  }
  await adminSql.end();
});

async function scratch(): Promise<Scratch> {
  const adminUrl = inject("pgAdminUrl");
  const name = `audit_${crypto.randomBytes(5).toString("hex")}`;
  const adminSql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await adminSql.unsafe(`create database ${name} template tandem_template`);
  await adminSql.end();
  const url = adminUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  const client = postgres(url, { max: 8, onnotice: () => {} });
  const s = { url, sql: client, db: drizzle(client, { schema }) as Db };
  scratches.push(s);
  return s;
}

/** n appends through the real emitAudit, with data jsonb reorders and renumbers (it must still verify). */
async function append(db: Db, n: number) {
  for (let i = 1; i <= n; i++) {
    await db.transaction((tx) =>
      emitAudit(tx, i % 3 ? systemActor("ingest") : admin, {
        action: `test.step_${i}`,
        entityType: "thing",
        entityId: String(i),
        data:
          i % 4 === 0
            ? null
            : {
                zeta: i,
                alpha: [1, 2.5, 1e21, -0, { "b b": 'é\u2028"q"', a: null }],
                mid: { y: true, x: 0.1 },
              },
      }),
    );
  }
}

/** Runs `fn` as a superuser who switched the append-only triggers off, then switches them back on. */
async function tamper(s: Scratch, fn: (q: postgres.TransactionSql) => Promise<unknown>) {
  await s.sql.begin(async (q) => {
    await q`set local session_replication_role = replica`;
    await fn(q);
  });
}

function cli(url: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/tandem.ts", "audit:verify", ...args],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: "utf8",
    },
  );
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("audit log: append-only and hash-chained (R16)", () => {
  it("verifies an untouched chain: timestamps to the microsecond and jsonb as Postgres stores it", async () => {
    await append(getDb(), 12);
    const result = await verifyAuditChain(getDb(), { batchSize: 5 });
    expect(result).toEqual({ ok: true, rows: 12, lastId: 12 });
    const [anchor] = await getDb().execute<{ last_id: string; last_hash: string }>(
      sql`select last_id, last_hash from audit_anchor where id = 1`,
    );
    const [head] = await getDb().execute<{ hash: string }>(sql`select hash from audit_log where id = 12`);
    expect(anchor).toEqual({ last_id: "12", last_hash: head!.hash });
    const [first] = await getDb().execute<{ prev_hash: string }>(
      sql`select prev_hash from audit_log where id = 1`,
    );
    expect(first!.prev_hash).toBe(GENESIS_HASH);
  });

  it("hashes in the database exactly as the verifier does in JS, for text JSON escapes differently", async () => {
    const s = await scratch();
    // Every escape class: quotes, backslash, the short escapes, other control characters, DEL, non-ASCII,
    // line separators JS leaves alone, astral characters, and markup.
    const awkward = `"q" \\ / \b\f\n\r\t \u0001\u001f \u007f é ü 中 \u2028\u2029 😀 </script>`;
    const user: Actor = { type: "user", id: awkward, role: "admin", teamIds: [] };
    await s.db.transaction((tx) =>
      emitAuditBatch(tx, user, [
        { action: `a${awkward}`, entityType: `t${awkward}`, entityId: awkward, data: { [awkward]: awkward } },
        { action: "plain", entityType: "thing", entityId: null, data: [awkward, 1e-7, 2 ** 60] },
        { action: "plain", entityType: "thing" },
      ]),
    );
    await s.db.transaction((tx) => emitAudit(tx, systemActor(awkward), { action: "x", entityType: "y" }));
    const result = await verifyAuditChain(s.db);
    expect(result).toMatchObject({ ok: true, rows: 4 });
    const [row] = await s.sql<{ actor_id: string; entity_id: string }[]>`
      select actor_id, entity_id from audit_log order by id limit 1`;
    expect(row).toEqual({ actor_id: awkward, entity_id: awkward });
  });

  it("refuses an append outside read committed, which would read a stale head and fork the chain", async () => {
    const s = await scratch();
    await expect(
      s.db.transaction((tx) => emitAudit(tx, admin, { action: "x", entityType: "y" }), {
        isolationLevel: "repeatable read",
      }),
    ).rejects.toMatchObject({ cause: { message: /needs a read committed transaction/ } });
    const [count] = await s.sql<{ n: number }[]>`select count(*)::int as n from audit_log`;
    expect(count!.n).toBe(0);
  });

  it("refuses UPDATE, DELETE and TRUNCATE from the app's connection", async () => {
    const refused = (statement: string) =>
      getDb()
        .execute(sql.raw(statement))
        .then(
          () => "allowed",
          (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
        );
    expect(await refused("update audit_log set action = 'x' where id = 1")).toMatch(
      /append-only \(UPDATE refused\)/,
    );
    expect(await refused("delete from audit_log where id = 1")).toMatch(/append-only \(DELETE refused\)/);
    expect(await refused("truncate audit_log")).toMatch(/append-only \(TRUNCATE refused\)/);
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });

  it("keeps the chain linear under concurrent appends, rolled-back ones leaving only id gaps", async () => {
    const before = await verifyAuditChain(getDb());
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        getDb().transaction(async (tx) => {
          await emitAudit(tx, systemActor("load"), {
            action: "test.concurrent",
            entityType: "thing",
            data: { i },
          });
          if (i % 7 === 0) throw new Error("rolled back");
        }),
      ),
    );
    const committed = results.filter((r) => r.status === "fulfilled").length;
    expect(committed).toBe(51);
    const result = await verifyAuditChain(getDb(), { batchSize: 16 });
    expect(result.ok).toBe(true);
    expect(result.rows).toBe(before.rows + committed);
    // The burned ids are real gaps in the log, and still no break.
    const [ids] = await getDb().execute<{ max: string; n: string }>(
      sql`select max(id)::text as max, count(*)::text as n from audit_log`,
    );
    expect(Number(ids!.max)).toBeGreaterThan(Number(ids!.n));
  });

  it("chains batched appends row by row, interleaved with single appends from other transactions", async () => {
    const before = await verifyAuditChain(getDb());
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        getDb().transaction((tx) =>
          i % 3 === 0
            ? emitAudit(tx, admin, { action: "test.single", entityType: "thing", data: { i } })
            : emitAuditBatch(
                tx,
                systemActor("campaign"),
                Array.from({ length: 25 }, (_, j) => ({
                  action: "test.batched",
                  entityType: "thing",
                  entityId: `${i}:${j}`,
                  // Mixed nulls and values that jsonb rewrites: each row must hash its own stored text.
                  data: j % 5 === 0 ? null : { z: j, a: [1e21, -0, "é"], i },
                })),
              ),
        ),
      ),
    );
    const result = await verifyAuditChain(getDb(), { batchSize: 50 });
    expect(result).toMatchObject({ ok: true, rows: before.rows + 4 + 8 * 25 });
    // A batch's rows sit next to each other in the chain, in the order given.
    const rows = await getDb().execute<{ entity_id: string }>(
      sql`select entity_id from audit_log where action = 'test.batched' and entity_id like '1:%' order by id`,
    );
    expect(rows.map((r) => r.entity_id)).toEqual(Array.from({ length: 25 }, (_, j) => `1:${j}`));
    const [ids] = await getDb().execute<{ span: number }>(sql`
      select (max(id) - min(id))::int as span from audit_log where action = 'test.batched' and entity_id like '1:%'`);
    expect(ids!.span).toBe(24);
  });

  it("names the row whose content was altered (data, or one microsecond of its time)", async () => {
    const s = await scratch();
    await append(s.db, 10);
    await tamper(s, (q) => q`update audit_log set data = '{"zeta": 999}' where id = 5`);
    expect(await verifyAuditChain(s.db, { batchSize: 3 })).toMatchObject({
      ok: false,
      brokenAt: 5,
      reason: "hash_mismatch",
      rows: 4,
    });
    const run = cli(s.url);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/audit chain broken at #5: hash_mismatch/);

    const t = await scratch();
    await append(t.db, 6);
    await tamper(t, (q) => q`update audit_log set at = at + interval '1 microsecond' where id = 3`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 3, reason: "hash_mismatch" });
  });

  it("names the row after a deleted middle row", async () => {
    const s = await scratch();
    await append(s.db, 10);
    await tamper(s, (q) => q`delete from audit_log where id = 6`);
    expect(await verifyAuditChain(s.db)).toMatchObject({
      ok: false,
      brokenAt: 7,
      reason: "rows_missing",
      lastIntactId: 5,
    });
    const run = cli(s.url);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/audit chain broken at #7: rows_missing/);
  });

  it("detects two rows swapping places (reorder), with the triggers disabled instead", async () => {
    const s = await scratch();
    await append(s.db, 10);
    await s.sql`alter table audit_log disable trigger all`;
    await s.sql`
      update audit_log a set at = b.at, actor_type = b.actor_type, actor_id = b.actor_id, action = b.action,
        entity_type = b.entity_type, entity_id = b.entity_id, data = b.data, prev_hash = b.prev_hash, hash = b.hash
      from audit_log b where (a.id, b.id) in ((3, 8), (8, 3))`;
    await s.sql`alter table audit_log enable trigger all`;
    await expect(s.sql`delete from audit_log where id = 1`).rejects.toThrow(/append-only/);
    expect(await verifyAuditChain(s.db)).toMatchObject({
      ok: false,
      brokenAt: 3,
      reason: "prev_hash_mismatch",
    });

    // Swapping only the payloads (keeping each row's hash) fails the first row's own hash.
    const t = await scratch();
    await append(t.db, 10);
    await tamper(
      t,
      (q) => q`
        update audit_log a set action = b.action, data = b.data, entity_id = b.entity_id
        from audit_log b where (a.id, b.id) in ((4, 5), (5, 4))`,
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 4, reason: "hash_mismatch" });
  });

  it("detects a truncated tail through the anchor, and keeps detecting it after later appends", async () => {
    const s = await scratch();
    await append(s.db, 10);
    await tamper(s, (q) => q`delete from audit_log where id > 7`);
    expect(await verifyAuditChain(s.db)).toMatchObject({
      ok: false,
      brokenAt: 10,
      reason: "anchor_mismatch",
      rows: 7,
      lastIntactId: 7,
    });
    const run = cli(s.url);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/audit chain broken at #10: anchor_mismatch/);
    // The app keeps appending: the next row links to the anchored (missing) head, so the gap stays visible.
    await append(s.db, 1);
    expect(await verifyAuditChain(s.db)).toMatchObject({ ok: false, brokenAt: 11, reason: "rows_missing" });

    // Everything deleted, anchor kept: still caught.
    const t = await scratch();
    await append(t.db, 3);
    await tamper(t, (q) => q`delete from audit_log`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, brokenAt: 3, reason: "anchor_mismatch" });
  });

  it("detects a forged row appended outside the app (the anchor does not know it)", async () => {
    const s = await scratch();
    await append(s.db, 4);
    const [last] = await s.sql<{ hash: string }[]>`select hash from audit_log where id = 4`;
    const row = {
      id: 5,
      at: "2030-01-01T00:00:00.000000Z",
      actorType: "system",
      actorId: "ghost",
      action: "test.forged",
      entityType: "thing",
      entityId: null,
      data: null,
    };
    await s.sql`
      insert into audit_log (id, at, actor_type, actor_id, action, entity_type, data, prev_hash, hash)
      overriding system value
      values (5, ${row.at}, 'system', 'ghost', 'test.forged', 'thing', null, ${last!.hash}, ${auditHash(last!.hash, row)})`;
    expect(await verifyAuditChain(s.db)).toMatchObject({ ok: false, brokenAt: 5, reason: "anchor_mismatch" });
  });

  it("prints the head when the chain is whole", async () => {
    const run = cli(testDb.url);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/audit chain ok: \d+ rows, head #\d+/);
  });

  it("lets admins verify from the API, one at a time, and audits the outcome", async () => {
    await expect(verifyAudit({ ctx: { actor: agent } })).rejects.toBeInstanceOf(ForbiddenError);
    const result = await verifyAudit({ ctx: { actor: admin } });
    expect(result.ok).toBe(true);
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
    const [row] = await getDb().execute<{ action: string; data: { ok: boolean; rows: number } }>(
      sql`select action, data from audit_log order by id desc limit 1`,
    );
    expect(row).toEqual({
      action: "audit.verified",
      data: expect.objectContaining({ ok: true, rows: result.rows }),
    });
    // A second verification while one holds the lock is refused.
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7231003)`);
      await expect(verifyAudit({ ctx: { actor: admin } })).rejects.toBeInstanceOf(ConflictError);
    });
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });

  it("streams 100k rows in batches", async () => {
    const s = await scratch();
    const total = 100_000;
    let prev = GENESIS_HASH;
    const base = Date.parse("2026-01-01T00:00:00Z");
    for (let start = 1; start <= total; start += 10_000) {
      const ids: number[] = [];
      const ats: string[] = [];
      const datas: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (let id = start; id < start + 10_000; id++) {
        const at = new Date(base + id).toISOString();
        const data = `{"i": ${id}}`;
        const hash = auditHash(prev, {
          id,
          at: at.replace(/Z$/, "000Z"),
          actorType: "system",
          actorId: "bulk",
          action: "test.bulk",
          entityType: "thing",
          entityId: String(id),
          data,
        });
        ids.push(id);
        ats.push(at);
        datas.push(data);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await tamper(
        s,
        (q) => q`
          insert into audit_log (id, at, actor_type, actor_id, action, entity_type, entity_id, data, prev_hash, hash)
          overriding system value
          select id, at, 'system', 'bulk', 'test.bulk', 'thing', id::text, data::jsonb, p, h
          from unnest(${s.sql.array(ids)}::bigint[], ${s.sql.array(ats)}::timestamptz[], ${s.sql.array(datas)}::text[],
                      ${s.sql.array(prevs)}::text[], ${s.sql.array(hashes)}::text[])
            as t(id, at, data, p, h)`,
      );
    }
    await s.sql`insert into audit_anchor (id, last_id, last_hash) values (1, ${total}, ${prev})`;
    await s.sql`select setval(pg_get_serial_sequence('audit_log', 'id'), ${total})`;

    const progress: number[] = [];
    const started = performance.now();
    const result = await verifyAuditChain(s.db, {
      batchSize: 5000,
      onProgress: (p) => progress.push(p.rows),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `audit verify: ${total} rows in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} rows/s`,
    );
    expect(result).toEqual({ ok: true, rows: total, lastId: total });
    // One query per batch: the log is never held in memory whole.
    expect(progress.length).toBeGreaterThanOrEqual(20);
    expect(progress[0]).toBe(5000);

    // The app appends onto the bulk chain and it still verifies; then one altered row deep inside is found.
    await append(s.db, 1);
    expect((await verifyAuditChain(s.db)).ok).toBe(true);
    await tamper(s, (q) => q`update audit_log set entity_id = 'x' where id = 77777`);
    expect(await verifyAuditChain(s.db)).toMatchObject({
      ok: false,
      brokenAt: 77777,
      reason: "hash_mismatch",
    });
  });
});
