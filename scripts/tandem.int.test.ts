import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/tests/int/db";

const root = path.resolve(import.meta.dirname, "..");
const db = useTestDatabase();

function tandem(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/tandem.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run tandem", () => {
  it("creates a user and prints a generated password once", () => {
    const created = tandem(
      "users:create",
      "--email",
      "Nia@Example.com",
      "--name",
      "Nia",
      "--role",
      "supervisor",
    );
    expect(created.err).toBe("");
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/Created supervisor nia@example\.com/);
    expect(created.out).toMatch(/Password \(shown once\): \S{16,}/);
    const again = tandem(
      "users:create",
      "--email",
      "nia@example.com",
      "--name",
      "Nia",
      "--role",
      "agent",
      "--password",
      "long-enough-password",
    );
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it("names the bad option in one line", () => {
    const bad = tandem(
      "users:create",
      "--email",
      "x@example.com",
      "--name",
      "X",
      "--role",
      "boss",
      "--password",
      "long-enough-password",
    );
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe("Error: --role must be one of admin, supervisor, agent");
    const short = tandem(
      "users:create",
      "--email",
      "y@example.com",
      "--name",
      "Y",
      "--role",
      "agent",
      "--password",
      "short",
    );
    expect(short.err.trim()).toBe("Error: --password must be at least 12 characters");
    expect(tandem("nope").code).toBe(1);
  });

  it("adds a number, once", () => {
    const added = tandem(
      "numbers:add",
      "--waba-id",
      "123",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1 555 0456",
      "--coexistence",
    );
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/Added \+1 555 0456 \(phone number id 456, Coexistence\)/);
    const dup = tandem(
      "numbers:add",
      "--waba-id",
      "123",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1 555 0456",
    );
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already connected/);
    const bad = tandem(
      "numbers:add",
      "--waba-id",
      "abc",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1",
    );
    expect(bad.err.trim()).toBe("Error: --waba-id must be Meta's numeric WABA id");
  });
});
