import fs from "node:fs";
import path from "node:path";

export const STATE_FILE = path.resolve(import.meta.dirname, "../.test-data/e2e-state.json");

export type E2EState = {
  baseURL: string;
  simulatorURL: string;
  secret: string;
  verifyToken: string;
  logins: { role: string; email: string; password: string; team: string }[];
  pid: number;
};

export function readState(): E2EState {
  return JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as E2EState;
}
