// `db:backup` / `db:restore` (BENCHMARKS.md R20): a consistent logical dump of Tandem's own tables, for
// installations without a pg_dump matching the server (the embedded Postgres 18 ships none; Debian's is 15
// and refuses an 18 server). Where a matching pg_dump exists (managed Postgres), docs/operations.md has
// pg_dump/pg_restore as the procedure. We do not switch to pg_dump automatically: one file format that
// db:restore always understands beats two that depend on which client binaries the restoring host has.
//
// Logical (COPY) rather than physical (pg_backup_start/stop + a file copy): it needs only a SQL connection,
// works the same on the embedded and a remote server, and restores into any fresh database at the same
// schema version instead of a whole cluster of the same major version.
import fs from "node:fs";
import readline from "node:readline";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import postgres from "postgres";

export const BACKUP_FORMAT = "tandem-logical-backup";

export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: 1;
  /** When the snapshot was taken (the dump's transaction start). */
  taken_at: string;
  /**
   * `ingest:replay --since` for this backup: transactions still open when the snapshot was taken are not in
   * it, and a webhook's received_at is its transaction's start, so replay starts at the oldest of them.
   */
  replay_since: string;
  server_version: string;
  /** Applied drizzle migrations: db:restore needs a target at exactly this schema version. */
  migrations: number;
  tables: { name: string; columns: string[] }[];
};

export type BackupResult = { header: BackupHeader; bytes: number; rows: number; ms: number };
export type RestoreResult = { header: BackupHeader; rows: number; tables: number; ms: number };

// Tables whose fresh-database content comes from migrations and is replaced by the backup's.
const SEEDED_BY_MIGRATIONS = new Set(["audit_anchor"]);
// Replay overlap beyond the oldest open transaction: a few seconds of idempotent re-apply cost nothing.
const REPLAY_MARGIN_MS = 5_000;

/**
 * Every table of the `public` schema, read with COPY inside ONE repeatable-read read-only transaction, so the
 * file is a single snapshot (foreign keys consistent, the audit chain cut at a row boundary), gzip'd.
 * pg-boss's schema is left out on purpose: it recreates itself at start-up, worker schedules are re-registered
 * at start, and the state that matters is in our tables with their own recovery (sends: outbound_sends and
 * the send sweep; webhooks: webhook_events is its own queue). Restoring job rows would instead replay jobs
 * whose effects the snapshot may already hold. The drizzle migrations journal is not data: db:restore runs
 * migrations on the target itself and compares the count.
 */
export async function backupDatabase(url: string, outFile: string): Promise<BackupResult> {
  const started = performance.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const gzip = zlib.createGzip({ level: 6 });
  const file = fs.createWriteStream(outFile, { mode: 0o600 });
  const written = pipeline(gzip, file);
  let rows = 0;
  try {
    const header = await sql.begin("isolation level repeatable read read only", async (tx) => {
      // The first statement takes the snapshot; what was open then is what the snapshot cannot see. Only
      // transactions that wrote (have an xid) matter: a long read-only report must not stretch the replay.
      const [meta] = await tx<{ now: Date; oldest: Date | null; version: string }[]>`
        select now(), current_setting('server_version') as version,
          (select min(xact_start) from pg_stat_activity
           where backend_xid is not null and pid <> pg_backend_pid() and datname = current_database()) as oldest`;
      // Output formats pinned so the text reads back the same whatever the server's defaults.
      await tx`set local datestyle = 'ISO, YMD'`;
      await tx`set local intervalstyle = 'postgres'`;
      await tx`set local bytea_output = 'hex'`;
      const [migrations] = await tx<{ n: number }[]>`
        select count(*)::int as n from drizzle.__drizzle_migrations`;
      const tables = await tx<{ name: string; columns: string[] }[]>`
        select c.relname as name,
          array_agg(a.attname::text order by a.attnum) as columns
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        where n.nspname = 'public' and c.relkind = 'r'
        group by c.relname order by c.relname`;
      const taken = meta!.now;
      const oldest = meta!.oldest && meta!.oldest < taken ? meta!.oldest : taken;
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: 1,
        taken_at: taken.toISOString(),
        replay_since: new Date(oldest.getTime() - REPLAY_MARGIN_MS).toISOString(),
        server_version: meta!.version,
        migrations: migrations!.n,
        tables: tables.map((t) => ({ name: t.name, columns: t.columns })),
      };
      await write(gzip, `${JSON.stringify(header)}\n`);
      for (const t of header.tables) {
        // COPY's text format, made by the server through a cursor: postgres.js 3.4's `copy … to stdout`
        // stream leaves its socket paused when the data and CopyDone arrive in one read past the stream's
        // buffer, and the transaction then hangs (porsager/postgres#499, #917; seen here mid-dump). A value's
        // ::text is its type's output (lossless: bytea in hex, jsonb as stored, timestamps to the
        // microsecond the audit hash covers); the escapes are COPY's, so db:restore loads it with COPY.
        const line = t.columns.map(copyText).join(` || E'\\t' || `);
        const cursor = tx
          .unsafe<{ line: string }[]>(`select ${line} as line from ${ident(t.name)}`)
          .cursor(1000);
        for await (const batch of cursor) {
          rows += batch.length;
          await write(gzip, `${batch.map((r) => r.line).join("\n")}\n`);
        }
        // COPY text format escapes backslashes, so a line that is exactly `\.` never occurs in the data.
        await write(gzip, "\\.\n");
      }
      return header;
    });
    gzip.end();
    await written;
    return { header, bytes: fs.statSync(outFile).size, rows, ms: performance.now() - started };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    fs.rmSync(outFile, { force: true });
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The header of a backup file, without reading the rest. */
export async function readBackupHeader(inFile: string): Promise<BackupHeader> {
  const lines = readline.createInterface({ input: fs.createReadStream(inFile).pipe(zlib.createGunzip()) });
  try {
    for await (const line of lines) return parseHeader(line);
    throw new Error(`${inFile} is empty`);
  } finally {
    lines.close();
  }
}

/**
 * Loads a backup into a freshly migrated database (the caller runs the migrations): refuses a target that
 * holds data or sits at another schema version. One transaction: a failed restore leaves the target empty.
 * Foreign keys and triggers are off for the load (`session_replication_role = replica`, which needs a
 * superuser; the rows come from one consistent snapshot, so the constraints held when they were read), then
 * sequences and identity columns continue after the highest restored value.
 */
export async function restoreDatabase(url: string, inFile: string): Promise<RestoreResult> {
  const started = performance.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const lines = readline.createInterface({
    input: fs.createReadStream(inFile).pipe(zlib.createGunzip()),
    crlfDelay: Infinity,
  });
  const iterator = lines[Symbol.asyncIterator]();
  let rows = 0;
  try {
    const first = await iterator.next();
    if (first.done) throw new Error(`${inFile} is empty`);
    const header = parseHeader(first.value);
    const [target] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    if (target!.n !== header.migrations)
      throw new Error(
        `the backup is at schema version ${header.migrations} (migrations applied), this database at ${target!.n}: restore with the Tandem version that took the backup, then upgrade`,
      );
    const present = new Set(
      (
        await sql<{ name: string }[]>`
        select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'`
      ).map((r) => r.name),
    );
    const unknown = header.tables.filter((t) => !present.has(t.name)).map((t) => t.name);
    if (unknown.length) throw new Error(`the target has no table ${unknown.join(", ")}`);
    for (const t of header.tables) {
      if (SEEDED_BY_MIGRATIONS.has(t.name)) continue;
      const [row] = await sql.unsafe<{ any: boolean }[]>(
        `select exists (select from ${ident(t.name)}) as any`,
      );
      if (row!.any)
        throw new Error(
          `the target database is not empty (table ${t.name} has rows): restore into a fresh one`,
        );
    }
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      for (const name of SEEDED_BY_MIGRATIONS) await tx.unsafe(`delete from ${ident(name)}`);
      for (const t of header.tables) {
        const sink = await tx
          .unsafe(`copy ${ident(t.name)} (${t.columns.map(ident).join(", ")}) from stdin`)
          .writable();
        const done = new Promise<void>((resolve, reject) => {
          sink.once("finish", resolve);
          sink.once("error", reject);
        });
        for (;;) {
          const next = await iterator.next();
          if (next.done) throw new Error(`${inFile} ends inside table ${t.name}: the file is truncated`);
          if (next.value === "\\.") break;
          rows += 1;
          if (!sink.write(`${next.value}\n`)) await once(sink, "drain");
        }
        sink.end();
        await done;
      }
      // Identity and serial columns: the next value follows the highest restored one.
      const owned = await tx<{ seq: string; tbl: string; col: string }[]>`
        select s.oid::regclass::text as seq, t.oid::regclass::text as tbl, a.attname::text as col
        from pg_class s join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass
          and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
        join pg_class t on t.oid = d.refobjid
        join pg_namespace n on n.oid = t.relnamespace
        join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where s.relkind = 'S' and n.nspname = 'public'`;
      for (const o of owned)
        await tx.unsafe(
          `select setval('${o.seq.replace(/'/g, "''")}', coalesce((select max(${ident(o.col)}) from ${o.tbl}), 1), (select count(*) > 0 from ${o.tbl}))`,
        );
    });
    return { header, rows, tables: header.tables.length, ms: performance.now() - started };
  } finally {
    lines.close();
    await sql.end({ timeout: 5 });
  }
}

function parseHeader(line: string): BackupHeader {
  let header: BackupHeader;
  try {
    header = JSON.parse(line) as BackupHeader;
  } catch {
    throw new Error("not a Tandem backup (no header line)");
  }
  if (header.format !== BACKUP_FORMAT || header.version !== 1)
    throw new Error(`not a Tandem backup of a known version (${header.format} v${header.version})`);
  return header;
}

/** A column as COPY text: backslash, newline, CR and tab escaped, NULL as \\N. */
function copyText(column: string): string {
  const value = `${ident(column)}::text`;
  return `coalesce(replace(replace(replace(replace(${value}, '\\', '\\\\'), E'\\n', '\\n'), E'\\r', '\\r'), E'\\t', '\\t'), '\\N')`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function write(stream: zlib.Gzip, data: string | Buffer): Promise<void> {
  if (!stream.write(data)) await once(stream, "drain");
}

/**
 * After a restore's replay: sends that were queued or in flight at the snapshot and went out afterwards are
 * linked to their wamid by the replayed `sent` status (callback data), but their outbound_sends row is still
 * queued/sending as the snapshot had it. The send queue would send them again (a second customer-visible
 * message); a send whose message has a wamid reached Meta, so it is settled as accepted instead.
 */
export async function settleSendsLinkedByReplay(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const settled = await sql`
      update outbound_sends s set state = 'accepted', lease_until = null, settled_at = now()
      from messages m
      where m.id = s.message_id and s.state in ('queued', 'sending') and m.wamid is not null`;
    return settled.count;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
