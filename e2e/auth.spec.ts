import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { enrolMfa, nextTotpCode, signIn } from "./support";

// Issue 7 journeys: an agent turns on TOTP and signs in with a code; an admin disables a signed-in agent
// and the agent's open page loses access without a reload.
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const agent2 = state.logins.find((l) => l.email.startsWith("agent2"))!;

test("an agent enrols TOTP from the account page and signs in with a code", async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, agent2.email, agent2.password);
  await expect(page).toHaveURL(/\/inbox/);
  await page.goto(`${state.baseURL}/account`);
  await expect(page.getByTestId("mfa-status")).toContainText("Off");
  await expect(page.getByTestId("session-row").filter({ hasText: "This device" })).toHaveCount(1);
  await page.getByRole("link", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const backupCodes = await enrolMfa(page, agent2.email);
  expect(new Set(backupCodes).size).toBe(10);
  await expect(page.getByTestId("mfa-status")).toContainText("On");

  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(agent2.email);
  await page.getByLabel("Password").fill(agent2.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const code = page.getByLabel("Authentication code");
  await expect(code).toBeFocused();
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await code.fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("sign-in-error")).toContainText("code is not valid");
  await code.fill(await nextTotpCode(agent2.email));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("current-user")).toContainText("agent");
});

test("an admin disables a signed-in agent and the agent's open page loses access without reload", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin.email, admin.password);
  await expect(adminPage).toHaveURL(/\/inbox/);
  const email = `leaver-${Date.now()}@tandem.example`;
  const invited = await adminPage.request.post(`${state.baseURL}/api/v1/users`, {
    data: { email, name: "Lee Leaver", role: "agent" },
  });
  expect(invited.status()).toBe(201);
  const { user, initial_password } = (await invited.json()) as {
    user: { id: string };
    initial_password: string;
  };

  const agentPage = await (await browser.newContext()).newPage();
  await signIn(agentPage, email, initial_password);
  // Invited: the first sign-in asks for a new password before anything else.
  await expect(agentPage).toHaveURL(/\/password\/change/);
  await agentPage.getByLabel("Current password").fill(initial_password);
  await agentPage.getByLabel("New password", { exact: true }).fill("lee leaves the lighthouse soon");
  await agentPage.getByLabel("Repeat the new password").fill("lee leaves the lighthouse soon");
  await agentPage.getByRole("button", { name: "Change password" }).click();
  await expect(agentPage).toHaveURL(/\/inbox/);
  await expect(agentPage.getByTestId("connection-state")).toHaveText("● Live");
  await expect(agentPage.getByTestId("signed-out")).toHaveCount(0);

  const disabled = await adminPage.request.post(`${state.baseURL}/api/v1/users/${user.id}/disable`);
  expect(disabled.status()).toBe(200);
  const started = Date.now();
  await expect(agentPage.getByTestId("signed-out")).toBeVisible({ timeout: 8_000 });
  expect(Date.now() - started).toBeLessThan(6_000);
  await expect(agentPage.getByTestId("signed-out")).toContainText("You have been signed out");
  // And the next request is refused.
  expect((await agentPage.request.get(`${state.baseURL}/api/v1/me`)).status()).toBe(401);
});
