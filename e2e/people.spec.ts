import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { readState } from "./state";
import { signIn } from "./support";

// People admin end to end: an admin invites an agent who signs in with the one-time password (changing it
// when the sign-in asks) and reaches the inbox; the admin builds a custom role and an API key shown once.
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
let adminPage: Page;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ browser }) => {
  adminPage = await (await browser.newContext()).newPage();
  await signedIn(adminPage, admin.email, admin.password);
});

test("an admin invites an agent who signs in with the one-time password and sees the inbox", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  await adminPage.goto(`${state.baseURL}/admin/users`);
  await expect(adminPage.getByRole("heading", { name: "People" })).toBeVisible();

  const email = `invited-${Date.now()}@tandem.example`;
  await adminPage.getByRole("button", { name: "Invite person" }).click();
  const form = adminPage.getByRole("form", { name: "Invite person" });
  await form.getByLabel("Name", { exact: true }).fill("Ivy Invited");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("agent");
  await form.getByLabel("Support").check();
  await form.getByRole("button", { name: "Invite" }).click();
  const password = (await adminPage.getByTestId("secret-value").textContent())?.trim() ?? "";
  expect(password.length).toBeGreaterThanOrEqual(16);
  await adminPage.getByRole("button", { name: "I have saved it" }).click();
  await expect(adminPage.getByTestId("secret-once")).toHaveCount(0);
  await expect(adminPage.locator(`[data-testid="user-row"][data-email="${email}"]`)).toContainText(
    "Password change pending",
  );

  const agentPage = await (await browser.newContext()).newPage();
  await signedIn(agentPage, email, password);
  await changePasswordIfAsked(agentPage, password, `ivy's own ${Date.now()} passphrase`);
  await agentPage.goto(`${state.baseURL}/inbox`);
  await expect(agentPage.getByTestId("current-user")).toContainText("Ivy Invited");
  await expect(agentPage.getByTestId("current-user")).toContainText("agent");
  // An agent gets no people admin: no link, and the page itself answers 403.
  await expect(agentPage.getByRole("link", { name: "People" })).toHaveCount(0);
  await agentPage.goto(`${state.baseURL}/admin/users`);
  await expect(agentPage.getByTestId("forbidden")).toBeVisible();
});

test("an admin creates a custom role and an API key shown once", async ({ request }) => {
  const page = adminPage;
  await page.goto(`${state.baseURL}/admin/roles`);
  await page.getByRole("button", { name: "New role" }).click();
  const editor = page.getByRole("form", { name: "New role" });
  const roleName = `Triage ${Date.now()}`;
  await editor.getByLabel("Name", { exact: true }).fill(roleName);
  await editor.getByLabel("Base role").selectOption("supervisor");
  await editor.getByRole("checkbox", { name: /conversations:read/ }).check();
  await editor.getByRole("checkbox", { name: /conversations:assign/ }).check();
  await expect(editor.getByText("ingest:apply")).toHaveCount(0);
  await editor.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByTestId("role-card").filter({ hasText: roleName })).toContainText(
    "conversations:read, conversations:assign",
  );

  await page.goto(`${state.baseURL}/admin/api-keys`);
  const form = page.getByRole("form", { name: "Create API key" });
  await form.getByLabel("Name", { exact: true }).fill("CRM sync");
  await form.getByLabel("Role").selectOption({ label: roleName });
  await form.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("secret-value").textContent())?.trim() ?? "";
  expect(key).toMatch(/^tdm_[0-9a-f]{12}_[0-9a-f]{48}$/);
  const row = page.getByTestId("api-key-row").filter({ hasText: "CRM sync" }).first();
  await expect(row).toContainText(roleName);
  await expect(row).toContainText(`tdm_${key.split("_")[1]}_`);
  await expect(row).not.toContainText(key);

  // The key works as a bearer token with its role's rights, and stops working once revoked.
  const auth = { authorization: `Bearer ${key}` };
  expect((await request.get(`${state.baseURL}/api/v1/conversations`, { headers: auth })).status()).toBe(200);
  expect((await request.get(`${state.baseURL}/api/v1/api-keys`, { headers: auth })).status()).toBe(403);
  await page.getByRole("button", { name: "I have saved it" }).click();
  await expect(page.getByTestId("secret-value")).toHaveCount(0);
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  const revoked = await request.get(`${state.baseURL}/api/v1/conversations`, { headers: auth });
  expect(revoked.status()).toBe(401);
  expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe("api_key_revoked");
});

/**
 * The sign-in sends a person with a one-time password to change it first. The page belongs to the
 * authentication work: fill its password fields (current first, then the new one twice) and submit.
 */
async function changePasswordIfAsked(page: Page, current: string, next: string) {
  await page.waitForLoadState("networkidle");
  if (!/password/.test(new URL(page.url()).pathname)) return;
  const fields = page.locator('input[type="password"]');
  const count = await fields.count();
  for (let i = 0; i < count; i++) await fields.nth(i).fill(i === 0 && count > 2 ? current : next);
  await page
    .getByRole("button", { name: /change|save|update|continue/i })
    .first()
    .click();
  await page.waitForURL((url) => !/password/.test(url.pathname), { timeout: 15_000 });
}

/**
 * signIn, then wait until the form lets us through. Admins must set up TOTP on first sign-in: until
 * e2e/support.ts's signIn does that itself, enrol here from the key the setup page shows.
 */
async function signedIn(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 15_000 });
  if (new URL(page.url()).pathname.startsWith("/mfa/setup")) {
    const secret = (await page.locator("code").first().textContent())?.trim() ?? "";
    await page.getByLabel(/6-digit code/).fill(await generate({ secret }));
    await page.getByRole("button", { name: /turn on/i }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/mfa/setup"), { timeout: 15_000 });
  }
}
