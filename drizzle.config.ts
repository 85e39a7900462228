import { defineConfig } from "drizzle-kit";
import { getEnv } from "./lib/env.js";

// Generation needs no database; `db:studio` uses DATABASE_URL. `db:migrate` uses lib/db/migrate.ts,
// which also knows about embedded Postgres.
const url = getEnv().DATABASE_URL;

export default defineConfig({
  schema: "./lib/db/schema/index.ts",
  out: "./drizzle",
  dialect: "postgresql",
  strict: true,
  verbose: true,
  ...(url ? { dbCredentials: { url } } : {}),
});
