import { defineConfig } from "@playwright/test";
import { chromiumArgs, findChromium } from "./e2e/browser";

// The server under test is started by e2e/global-setup.ts (real build, embedded Postgres, free ports),
// which reads the demo logins from its start-up output exactly as a person would.
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report feeds the pass/fail totals printed by `npm test`.
  reporter: [["list"], ["json", { outputFile: ".test-data/reports/e2e.json" }]],
  retries: 0,
  use: {
    trace: "retain-on-failure",
    launchOptions: { executablePath: findChromium(), args: chromiumArgs },
  },
});
