import path from "node:path";
import { defineConfig } from "vitest/config";

const common = ["**/node_modules/**", "**/.next/**", "**/.data/**", "e2e/**"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["**/*.test.ts"], exclude: [...common, "**/*.int.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: common,
          // One embedded Postgres for the run; every test file gets a fresh database (tests/int/db.ts).
          globalSetup: ["./tests/int/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
