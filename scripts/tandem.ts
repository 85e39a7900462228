// `npm run tandem -- <command>`: operator commands (DESIGN.md "Command line").
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { systemActor } from "@/lib/auth/actor";
import { closeDb } from "@/lib/db/client";
import { getEnv, setRuntimeEnv } from "@/lib/env.js";
import { AppError } from "@/lib/errors";
import { addNumber } from "@/lib/numbers";
import { prepareDatabase } from "@/lib/runtime/database";
import { createUser, setPassword } from "@/lib/users";

const usage = `Usage: npm run tandem -- <command> [options]

  users:create --email <email> --name <name> --role <admin|supervisor|agent> [--password <pw>]
  users:set-password --email <email> [--password <pw>]
  numbers:add --waba-id <id> --phone-number-id <id> --display-number <number> [--coexistence] [--team-id <uuid>]

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

function generatedPassword() {
  return crypto.randomBytes(15).toString("base64url");
}
