import fs from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { generate } from "otplib";
import { readState } from "./state";

// Steps every spec shares: signing in through the real form (with the authenticator step when the
// account has MFA, enrolling first when the workspace requires it), and driving the simulator's API.
const state = readState();
export const MFA_FILE = path.resolve(import.meta.dirname, "../.test-data/e2e-mfa.json");
const PERIOD_S = 30;

type MfaStore = Record<string, { secret: string; lastStep: number }>;

/**
 * Fills the sign-in form and answers what follows: the code step (a fresh TOTP code from the secret
 * this run enrolled) or the enrolment page (enrols, remembers the secret, continues). Returns once the
 * form let us through or showed an error.
 */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${state.baseURL}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const codeField = page.getByLabel("Authentication code");
  const error = page.getByTestId("sign-in-error");
  await expect
    .poll(
      async () =>
        (await codeField.isVisible()) ||
        (await error.isVisible()) ||
        !new URL(page.url()).pathname.startsWith("/sign-in"),
      { timeout: 15_000 },
    )
    .toBe(true);
  if (await codeField.isVisible()) {
    await codeField.fill(await nextTotpCode(email));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 15_000 });
  }
  if (await error.isVisible()) return;
  // A session that must enrol is redirected from the first page it opens.
  await page.waitForLoadState("networkidle");
  if (new URL(page.url()).pathname.startsWith("/mfa/setup")) await enrolMfa(page, email);
}

/** On the enrolment page: read the key, confirm with a code, dismiss the backup codes. */
export async function enrolMfa(page: Page, email: string): Promise<string[]> {
  const secret = ((await page.getByTestId("mfa-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  const step = Math.floor(Date.now() / 1000 / PERIOD_S);
  await page.getByLabel("Enter the 6-digit code it shows").fill(await codeAt(secret, step));
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await expect(page.getByTestId("backup-code")).toHaveCount(10);
  const backupCodes = await page.getByTestId("backup-code").allTextContents();
  saveMfa(email, { secret, lastStep: step });
  await page.getByRole("link", { name: "I saved them, continue" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/mfa/setup"));
  return backupCodes;
}

/**
 * A code the server has not seen yet: each code works once, and ±1 step is accepted, so take the
 * current step or the next unused one, waiting only when both were already used.
 */
export async function nextTotpCode(email: string): Promise<string> {
  const entry = readMfa()[email];
  if (!entry) throw new Error(`${email} asks for a code but this run never enrolled it`);
  let now = Math.floor(Date.now() / 1000 / PERIOD_S);
  const step = Math.max(now, entry.lastStep + 1);
  while (step > now + 1) {
    await new Promise((r) => setTimeout(r, 1_000));
    now = Math.floor(Date.now() / 1000 / PERIOD_S);
  }
  saveMfa(email, { ...entry, lastStep: step });
  return codeAt(entry.secret, step);
}

export async function sim<T = unknown>(
  request: APIRequestContext,
  method: string,
  path: string,
  data?: unknown,
) {
  const res = await request.fetch(`${state.simulatorURL}/sim/api${path}`, { method, data });
  expect(res.ok(), `${method} ${path}`).toBe(true);
  return (await res.json()) as T;
}

function codeAt(secret: string, step: number): Promise<string> {
  return generate({ secret, period: PERIOD_S, epoch: step * PERIOD_S + 1 });
}

function readMfa(): MfaStore {
  return fs.existsSync(MFA_FILE) ? (JSON.parse(fs.readFileSync(MFA_FILE, "utf8")) as MfaStore) : {};
}

function saveMfa(email: string, entry: { secret: string; lastStep: number }) {
  fs.writeFileSync(MFA_FILE, JSON.stringify({ ...readMfa(), [email]: entry }, null, 2));
}
