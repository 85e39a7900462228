import crypto from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";

export const TEST_APP_SECRET = "test-app-secret-0123456789";

/** Gives the calling test file its own database, cloned from the migrated template, as DATABASE_URL. */
export function useTestDatabase() {
  const state = { url: "" };
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${crypto.randomBytes(6).toString("hex")}`;
  beforeAll(async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template tandem_template`);
    await admin.end();
    state.url = adminUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
    setRuntimeEnv({
      DATABASE_URL: state.url,
      META_APP_SECRET: TEST_APP_SECRET,
      META_VERIFY_TOKEN: "test-verify-token",
      AUTH_SECRET: "test-auth-secret-0123456789abcdefghijklmnop",
    });
  });
  afterAll(async () => {
    await closeDb();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return state;
}
