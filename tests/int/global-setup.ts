import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export const TEMPLATE_DB = "tandem_template";

/**
 * One real Postgres per run (TEST_DATABASE_URL, or embedded under .test-data/), and a migrated template
 * database that each test file clones: a fresh database per file in milliseconds.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgres | undefined;
  let cleanup = () => {};
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    // One directory per run, so two runs at once (two terminals, parallel helpers) never wipe each other.
    const dataDir = path.resolve(`.test-data/int-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    embedded = await startEmbeddedPostgres({ dataDir, database: "postgres" });
    adminUrl = embedded.url;
    cleanup = () => fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  await runMigrations(adminUrl.replace(/\/[^/?]*(\?|$)/, `/${TEMPLATE_DB}$1`));
  project.provide("pgAdminUrl", adminUrl);
  return async () => {
    await embedded?.stop();
    cleanup();
  };
}
