import { defineConfig } from "drizzle-kit";

// Generation needs no database; `db:migrate` uses lib/db/migrate.ts, which knows about embedded Postgres.
export default defineConfig({
  schema: "./lib/db/schema/index.ts",
  out: "./drizzle",
  dialect: "postgresql",
  strict: true,
  verbose: true,
});
