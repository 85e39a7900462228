import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The import rules of STYLE.md §3 are enforced by eslint.config.mjs; prove they bite.
const root = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: root });

async function ruleIds(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId);
}

describe("import boundaries", () => {
  it("forbids app/ from importing lib/db", async () => {
    expect(
      await ruleIds(
        "app/api/probe/route.ts",
        'import { getDb } from "@/lib/db/client";\nexport const x = getDb;\n',
      ),
    ).toContain("no-restricted-imports");
    expect(
      await ruleIds(
        "app/probe/page.tsx",
        'import { users } from "@/lib/db/schema";\nexport const x = users;\n',
      ),
    ).toContain("no-restricted-imports");
  });

  it("forbids components/ from importing server code", async () => {
    for (const target of [
      "@/lib/db/client",
      "@/lib/ingest",
      "@/lib/conversations",
      "@/lib/jobs/boss",
      "@/lib/env.js",
    ]) {
      const ids = await ruleIds(
        "components/probe/probe.tsx",
        `import * as m from "${target}";\nexport const x = m;\n`,
      );
      expect(ids, target).toContain("no-restricted-imports");
    }
  });

  it("allows components/ the client-safe modules", async () => {
    const code =
      'import type { MessageDto } from "@/lib/conversations/schemas";\nimport { api } from "@/lib/client/api";\nexport type X = MessageDto;\nexport const y = api;\n';
    expect(await ruleIds("components/probe/probe.tsx", code)).toEqual([]);
  });

  it("keeps process.env inside lib/env.js and the simulator out of the app", async () => {
    expect(await ruleIds("lib/probe/probe.ts", "export const port = process.env.PORT;\n")).toContain(
      "no-restricted-properties",
    );
    expect(
      await ruleIds(
        "lib/probe/probe.ts",
        'import { startSimulator } from "@/lib/simulator/server";\nexport const s = startSimulator;\n',
      ),
    ).toContain("no-restricted-imports");
  });
});
