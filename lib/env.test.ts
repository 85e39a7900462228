import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.js";

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const result = parseEnv({});
    expect(result).toMatchObject({
      ok: true,
      env: { PORT: 3000, ROLE: "all", DATA_DIR: ".data", SIMULATOR_PORT: 3100, GRAPH_API_VERSION: "v25.0" },
    });
  });

  it.each([
    [{ PORT: "abc" }, /^Invalid environment: PORT .*"abc"/],
    [{ PORT: "70000" }, /^Invalid environment: PORT must be between 1 and 65535/],
    [{ ROLE: "cron" }, /^Invalid environment: ROLE must be one of all, web, worker/],
    [{ DATABASE_URL: "mysql://x" }, /^Invalid environment: DATABASE_URL must be a postgres/],
    [{ SEED_DEMO: "maybe" }, /^Invalid environment: SEED_DEMO must be one of/],
    [{ GRAPH_API_BASE: "not a url" }, /^Invalid environment: GRAPH_API_BASE must be an absolute/],
    [{ GRAPH_API_VERSION: "25" }, /^Invalid environment: GRAPH_API_VERSION must look like "v25.0"/],
    [
      { AUTH_SECRET: "short" },
      /^Invalid environment: AUTH_SECRET must be at least 32 characters \(got "\*\*\*"\)/,
    ],
  ])("names the variable and the problem on one line: %o", (source, pattern) => {
    const result = parseEnv(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(pattern);
    expect(result.message).not.toContain("\n");
  });

  it("treats empty strings as unset and parses flags", () => {
    expect(parseEnv({ PORT: "", SEED_DEMO: "0" })).toMatchObject({
      ok: true,
      env: { PORT: 3000, SEED_DEMO: false },
    });
  });
});
