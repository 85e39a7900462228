// `npm run tandem -- <command>`: operator commands (DESIGN.md "Command line").
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { createApiKey } from "@/lib/api-keys";
import { emitAudit, verifyAuditChain } from "@/lib/audit";
import { systemActor } from "@/lib/auth/actor";
import { backupDatabase, restoreDatabase, settleSendsLinkedByReplay } from "@/lib/db/backup";
import { closeDb, getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/context";
import { getEnv, setRuntimeEnv } from "@/lib/env.js";
import { AppError } from "@/lib/errors";
import { replayWebhookEvents } from "@/lib/ingest";
import { addNumber } from "@/lib/numbers";
import { purgeExpired } from "@/lib/retention";
import { prepareDatabase } from "@/lib/runtime/database";
import { createUser, setPassword } from "@/lib/users";

const usage = `Usage: npm run tandem -- <command> [options]

  users:create --email <email> --name <name> --role <admin|supervisor|agent> [--password <pw>]
  users:set-password --email <email> [--password <pw>]
  numbers:add --waba-id <id> --phone-number-id <id> --display-number <number> [--coexistence] [--team-id <uuid>]
  ingest:replay [--since <ISO date or duration like 2h, 3d>] [--until <ISO date>]
  api-keys:create --name <name> (--role <admin|supervisor|agent> | --custom-role-id <uuid>) [--expires-days <n>]
  audit:verify [--batch-size <rows>]
  retention:purge   (runs the hourly retention purge now)
  db:backup --out <file>   (consistent logical dump of one snapshot, gzip'd; see docs/operations.md)
  db:restore --in <file>   (into a fresh, empty database; then run ingest:replay --since as printed)

Without --password a strong password is generated and printed once.`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  "users:create": async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        password: { type: "string" },
      },
    });
    const password = values.password ?? generatedPassword();
    const user = await createUser({
      ctx: { actor: systemActor("cli") },
      input: { email: values.email ?? "", name: values.name ?? "", role: values.role as "agent", password },
    });
    console.log(`Created ${user.role} ${user.email} (${user.id})`);
    if (!values.password) console.log(`Password (shown once): ${password}`);
  },
  "users:set-password": async (args) => {
    const { values } = parseArgs({
      args,
      options: { email: { type: "string" }, password: { type: "string" } },
    });
    const password = values.password ?? generatedPassword();
    await setPassword({ ctx: { actor: systemActor("cli") }, input: { email: values.email ?? "", password } });
    console.log(`Password set for ${values.email}; their other sessions are signed out.`);
    if (!values.password) console.log(`Password (shown once): ${password}`);
  },
  "numbers:add": async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        "waba-id": { type: "string" },
        "phone-number-id": { type: "string" },
        "display-number": { type: "string" },
        coexistence: { type: "boolean" },
        "team-id": { type: "string" },
      },
    });
    const number = await addNumber({
      ctx: { actor: systemActor("cli") },
      input: {
        wabaId: values["waba-id"] ?? "",
        phoneNumberId: values["phone-number-id"] ?? "",
        displayNumber: values["display-number"] ?? "",
        coexistence: values.coexistence ?? false,
        defaultTeamId: values["team-id"],
      },
    });
    console.log(
      `Added ${number.displayNumber} (phone number id ${number.phoneNumberId}${number.coexistence ? ", Coexistence" : ""})`,
    );
  },
};

commands["ingest:replay"] = async (args) => {
  const { values } = parseArgs({ args, options: { since: { type: "string" }, until: { type: "string" } } });
  const since = values.since ? parseWhen(values.since, "--since") : undefined;
  const until = values.until ? parseWhen(values.until, "--until") : undefined;
  const result = await replayWebhookEvents({
    ctx: { actor: systemActor("cli") },
    input: { since, until },
    onProgress: (p) =>
      console.log(
        `  ${p.done}/${p.total} re-applied${p.failed ? `, ${p.failed} failed (see webhook_events.error)` : ""}`,
      ),
  });
  console.log(
    `Replayed ${result.total} stored webhooks${since ? ` since ${since.toISOString()}` : ""}; ${result.failed} failed.`,
  );
  // After a restore (db:restore): sends the replayed statuses show went out are not sent again.
  const settled = await settleSendsLinkedByReplay(getEnv().DATABASE_URL ?? "");
  if (settled) console.log(`Settled ${settled} queued sends that the replayed statuses show Meta accepted.`);
};

commands["audit:verify"] = async (args) => {
  const { values } = parseArgs({ args, options: { "batch-size": { type: "string" } } });
  const started = performance.now();
  let printed = 0;
  const result = await verifyAuditChain(getDb(), {
    batchSize: values["batch-size"] ? Number(values["batch-size"]) : undefined,
    onProgress: ({ rows }) => {
      if (rows - printed < 100_000) return;
      printed = rows;
      console.log(`  ${rows} rows verified…`);
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // A broken chain is an error: exit 1 naming the first broken row.
  if (!result.ok)
    throw new Error(`audit chain broken at #${result.brokenAt}: ${result.reason} (${result.detail})`);
  console.log(
    `audit chain ok: ${result.rows} rows, head ${result.lastId === null ? "none" : `#${result.lastId}`} (${seconds} s)`,
  );
};

commands["api-keys:create"] = async (args) => {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: "string" },
      role: { type: "string" },
      "custom-role-id": { type: "string" },
      "expires-days": { type: "string" },
    },
  });
  const days = values["expires-days"] === undefined ? undefined : Number(values["expires-days"]);
  if (days !== undefined && !(Number.isInteger(days) && days > 0))
    throw new AppError("validation_failed", "--expires-days must be a whole number of days above 0", 422);
  const { api_key: apiKey, key } = await createApiKey({
    ctx: { actor: systemActor("cli") },
    input: {
      name: values.name ?? "",
      role: values.role as "agent" | undefined,
      custom_role_id: values["custom-role-id"],
      expires_at: days ? new Date(Date.now() + days * 86_400_000).toISOString() : undefined,
    },
  });
  console.log(
    `Created API key "${apiKey.name}" (${apiKey.custom_role?.name ?? apiKey.role}, prefix ${apiKey.prefix}${apiKey.expires_at ? `, expires ${apiKey.expires_at}` : ", no expiry"})`,
  );
  console.log(`Key (shown once; send it as "Authorization: Bearer <key>"):\n${key}`);
};

// The same purge the hourly job runs, for operators who cannot wait for it (each number's run is audited).
commands["retention:purge"] = async () => {
  const results = await purgeExpired({ ctx: { actor: systemActor("cli") } });
  if (results.length === 0) console.log("No number has a retention period: nothing to purge.");
  for (const r of results)
    console.log(
      `number ${r.number_id}: purged ${r.messages} messages, ${r.files} files, ${r.notes} notes older than ${r.cutoff}`,
    );
};

// R20: backup/restore without a pg_dump matching the server (lib/db/backup.ts says why).
commands["db:backup"] = async (args) => {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  if (!values.out)
    throw new AppError("validation_failed", "--out is required (the backup file to write)", 422);
  const result = await backupDatabase(getEnv().DATABASE_URL ?? "", values.out);
  console.log(
    `Backup written to ${values.out}: ${result.header.tables.length} tables, ${result.rows} rows, ${(result.bytes / 1024).toFixed(0)} KiB in ${(result.ms / 1000).toFixed(1)} s`,
  );
  console.log(
    `Snapshot taken at ${result.header.taken_at}; after a restore replay from ${result.header.replay_since}`,
  );
};

commands["db:restore"] = async (args) => {
  const { values } = parseArgs({ args, options: { in: { type: "string" } } });
  if (!values.in) throw new AppError("validation_failed", "--in is required (the backup file to read)", 422);
  const result = await restoreDatabase(getEnv().DATABASE_URL ?? "", values.in);
  const actor = systemActor("cli");
  // The chain continues from the backup's head: the restore itself is the next recorded event.
  await withTransaction({ actor }, (tx) =>
    emitAudit(tx, actor, {
      action: "database.restored",
      entityType: "database",
      data: { taken_at: result.header.taken_at, rows: result.rows, tables: result.tables },
    }),
  );
  console.log(
    `Restored ${result.rows} rows into ${result.tables} tables in ${(result.ms / 1000).toFixed(1)} s (snapshot of ${result.header.taken_at}).`,
  );
  console.log(
    `Next: bring back webhooks received since the snapshot, then: npm run tandem -- ingest:replay --since ${result.header.replay_since}`,
  );
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name ? `Unknown command "${name}".\n\n${usage}` : usage);
  process.exit(name ? 1 : 0);
}

const database = await prepareDatabase(getEnv(), () => {});
setRuntimeEnv({ DATABASE_URL: database.url });
let exitCode = 0;
try {
  await command(rest);
} catch (error) {
  exitCode = 1;
  console.error(`Error: ${describe(error)}`);
} finally {
  await closeDb();
  await database.embedded?.stop();
}
process.exit(exitCode);

function describe(error: unknown): string {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = String(issue?.path[0] ?? "input").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return `--${field} ${issue?.message ?? "is invalid"}`;
  }
  if (error instanceof AppError) return error.message;
  if (error instanceof Error && error.message.startsWith("Unknown option"))
    return `${error.message}\n\n${usage}`;
  return (error as Error).message;
}

/** An ISO date, or a duration back from now: 90m, 2h, 3d. */
function parseWhen(value: string, flag: string): Date {
  const duration = /^(\d+)([mhd])$/.exec(value);
  if (duration) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as "m" | "h" | "d"];
    return new Date(Date.now() - Number(duration[1]) * unit);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new AppError("validation_failed", `${flag} must be an ISO date or a duration like 2h`, 422);
  return date;
}

function generatedPassword() {
  return crypto.randomBytes(15).toString("base64url");
}
