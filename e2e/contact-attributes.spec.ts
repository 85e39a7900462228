import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readState } from "./state";
import { enrolMfa, signIn, sim } from "./support";

// Custom contact attributes end to end: an admin defines a "Plan" select, an agent sets it on the inbox's
// contact panel, and the value is the server's (it survives a reload).
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

async function signInLive(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  // When this spec runs first, the admin's forced MFA enrolment can redirect after signIn's own check.
  const live = page.getByTestId("connection-state");
  const enrol = page.getByRole("heading", { name: "Set up two-factor authentication" });
  await expect(live.or(enrol)).toBeVisible();
  if (await enrol.isVisible()) await enrolMfa(page, email);
  await expect(live).toHaveText("● Live");
}

async function openConversation(page: Page, name: string) {
  await page.getByTestId("conversation-row").filter({ hasText: name }).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
}

test("an admin creates a Plan select, an agent sets it in the contact panel, and it survives a reload", async ({
  browser,
  page,
  request,
}) => {
  test.setTimeout(120_000);
  // A fresh key per run, so a retry does not collide with the attribute an earlier attempt created.
  const key = `plan_${crypto.randomInt(1e6)}`;
  await signInLive(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Attributes" }).click();
  await expect(page.getByRole("heading", { name: "Contact attributes" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create attribute" });
  await form.getByLabel("Label").fill("Plan");
  await form.getByLabel("Key").fill(key);
  await form.getByLabel("Type").selectOption("select");
  await form.getByLabel("Options (comma-separated)").fill("Free, Pro, Enterprise");
  await form.getByRole("button", { name: "Create attribute" }).click();
  const row = page.getByTestId("attribute-row").filter({ hasText: key });
  await expect(row).toContainText("Free, Pro, Enterprise");
  await expect(row).toContainText("Select (options)");

  const name = `Attr Customer ${crypto.randomInt(1e6)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", {
    name,
    phone: `4477012${crypto.randomInt(10_000, 99_999)}`,
  });
  await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text: "Which plan am I on?" });

  const agentPage = await (await browser.newContext()).newPage();
  await signInLive(agentPage, agent.email, agent.password);
  // Agents fill attributes in but cannot define them.
  await expect(agentPage.getByRole("link", { name: "Attributes" })).toHaveCount(0);
  await openConversation(agentPage, name);
  const field = () =>
    agentPage.getByTestId("contact-panel").locator(`[data-testid="contact-attribute"][data-key="${key}"]`);
  await expect(field()).toContainText("Plan");
  const plan = field().getByRole("combobox");
  await expect(plan).toHaveValue("");
  await expect(plan.locator("option")).toHaveText(["—", "Free", "Pro", "Enterprise"]);
  const saved = agentPage.waitForResponse(
    (r) => r.url().endsWith("/attributes") && r.request().method() === "PUT" && r.ok(),
  );
  await plan.selectOption("Pro");
  await saved;

  await agentPage.reload();
  await openConversation(agentPage, name);
  await expect(field().getByRole("combobox")).toHaveValue("Pro");
});
