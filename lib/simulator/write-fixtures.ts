// Regenerates lib/whatsapp/__fixtures__/*.json from fixture-cases.ts: `tsx lib/simulator/write-fixtures.ts`.
// Then `npx prettier --write lib/whatsapp/__fixtures__`, and review the diff against PROTOCOL.md before committing; the unit test then pins the builders to it.
import { mkdirSync, writeFileSync } from "node:fs";
import { FIXTURE_CASES } from "./fixture-cases";
import { FIXTURES_DIR } from "./fixtures";

mkdirSync(FIXTURES_DIR, { recursive: true });
for (const [kind, build] of FIXTURE_CASES) {
  writeFileSync(`${FIXTURES_DIR}/${kind}.json`, JSON.stringify(build(), null, 2) + "\n");
}
console.log(`wrote ${FIXTURE_CASES.length} fixtures to ${FIXTURES_DIR}`);
