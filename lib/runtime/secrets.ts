import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Env } from "@/lib/env.js";

type Secrets = { AUTH_SECRET: string; META_APP_SECRET: string; META_VERIFY_TOKEN: string };

/**
 * Secrets for this run. With DATABASE_URL (a real deployment) they must be set explicitly; for the
 * embedded demo, missing ones are generated once and kept in DATA_DIR so sessions survive a restart.
 */
export function resolveSecrets(env: Env, embedded: boolean): Secrets {
  const given = {
    AUTH_SECRET: env.AUTH_SECRET,
    META_APP_SECRET: env.META_APP_SECRET,
    META_VERIFY_TOKEN: env.META_VERIFY_TOKEN,
  };
  const missing = Object.entries(given)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length === 0) return given as Secrets;
  if (!embedded) {
    throw new StartupError(`Invalid environment: ${missing.join(", ")} must be set when DATABASE_URL is set`);
  }
  const file = path.join(path.resolve(env.DATA_DIR), "secrets.json");
  const stored: Partial<Secrets> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const secrets: Secrets = {
    AUTH_SECRET: given.AUTH_SECRET ?? stored.AUTH_SECRET ?? random(),
    META_APP_SECRET: given.META_APP_SECRET ?? stored.META_APP_SECRET ?? random(),
    META_VERIFY_TOKEN: given.META_VERIFY_TOKEN ?? stored.META_VERIFY_TOKEN ?? random(),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** A start-up problem the operator must fix: printed as one line, no stack trace. */
export class StartupError extends Error {}

function random() {
  return crypto.randomBytes(32).toString("base64url");
}
