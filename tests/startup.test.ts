import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("start-up with a bad environment", () => {
  it("stops with one line naming the variable and what is wrong", () => {
    const result = start({ PORT: "eighty" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid environment: PORT must be a port number (got "eighty")');
  });

  it("requires the secrets when DATABASE_URL points at a real server", () => {
    const result = start({
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      AUTH_SECRET: "",
      META_APP_SECRET: "",
      META_VERIFY_TOKEN: "",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Invalid environment: AUTH_SECRET, META_APP_SECRET, META_VERIFY_TOKEN must be set when DATABASE_URL is set",
    );
  });

  it("says plainly when DATABASE_URL cannot be reached", () => {
    const secrets = {
      AUTH_SECRET: "x".repeat(40),
      META_APP_SECRET: "app-secret-1",
      META_VERIFY_TOKEN: "verify-token-1",
    };
    const result = start({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", ...secrets });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^Cannot use the database at DATABASE_URL \(127\.0\.0\.1:1\/none\): ECONNREFUSED/,
    );
    expect(result.stderr.trim()).not.toContain("\n");
  });
});
