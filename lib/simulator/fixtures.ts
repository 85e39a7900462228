import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Envelope } from "./payloads";

export const FIXTURES_DIR = fileURLToPath(new URL("../whatsapp/__fixtures__", import.meta.url));

export function fixtureKinds(): string[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function readFixture(kind: string): Envelope {
  if (!/^[a-z0-9-]+$/.test(kind)) throw new Error(`bad fixture name: ${kind}`);
  return JSON.parse(readFileSync(`${FIXTURES_DIR}/${kind}.json`, "utf8")) as Envelope;
}
