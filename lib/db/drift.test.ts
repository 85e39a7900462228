import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The migration drift check: drizzle-kit, run on a copy of lib/db/schema and drizzle/, must find nothing
// to generate. Copies, so the check never writes into the repository.
const root = path.resolve(import.meta.dirname, "../..");
const scratch = path.join(root, ".test-data", `drift-${crypto.randomBytes(4).toString("hex")}`);

function generateInto(name: string, editSchema?: (dir: string) => void): { added: string[]; output: string } {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(root, "lib/db/schema"), path.join(dir, "schema"), { recursive: true });
  fs.cpSync(path.join(root, "drizzle"), path.join(dir, "drizzle"), { recursive: true });
  editSchema?.(path.join(dir, "schema"));
  fs.writeFileSync(
    path.join(dir, "drizzle.config.ts"),
    // drizzle-kit wants paths relative to its working directory.
    `export default { schema: ${JSON.stringify(path.relative(root, path.join(dir, "schema/index.ts")))}, out: ${JSON.stringify(path.relative(root, path.join(dir, "drizzle")))}, dialect: "postgresql" };\n`,
  );
  const before = new Set(fs.readdirSync(path.join(dir, "drizzle")));
  const output = execFileSync(
    path.join(root, "node_modules/.bin/drizzle-kit"),
    ["generate", "--config", path.relative(root, path.join(dir, "drizzle.config.ts")), "--name", "drift"],
    { cwd: root, stdio: "pipe", encoding: "utf8" },
  );
  return { added: fs.readdirSync(path.join(dir, "drizzle")).filter((file) => !before.has(file)), output };
}

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("migration drift check", () => {
  it("finds no schema change without a committed migration", () => {
    const { added, output } = generateInto("current");
    expect(output).toContain("No schema changes");
    expect(added).toEqual([]);
  }, 60_000);

  it("fails when the schema changes without a migration", () => {
    const { added } = generateInto("edited", (schemaDir) => {
      const file = path.join(schemaDir, "numbers.ts");
      const source = fs.readFileSync(file, "utf8");
      const edited = source.replace(
        'coexistence: boolean("coexistence")',
        'driftProbe: text("drift_probe"),\n  coexistence: boolean("coexistence")',
      );
      expect(edited).not.toBe(source);
      fs.writeFileSync(file, edited);
    });
    expect(added).toEqual([expect.stringMatching(/_drift\.sql$/)]);
  }, 60_000);
});
