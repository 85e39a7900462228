import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { enrolMfa, signIn } from "./support";

// The CSAT settings page: an admin switches the survey on and rewords it; the values survive a reload.
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const DEFAULTS = {
  enabled: false,
  question: "How did we do?",
  button_labels: ["Great", "OK", "Poor"],
  template_id: null,
};

test("an admin turns the CSAT survey on and rewords its question and buttons", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, admin.email, admin.password);
  // Run alone, this spec may be the admin's first sign-in: admins must enrol in MFA before anything else.
  await page.goto(`${state.baseURL}/inbox`);
  if (new URL(page.url()).pathname.startsWith("/mfa/setup")) await enrolMfa(page, admin.email);
  try {
    await page.getByRole("link", { name: "CSAT", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Customer satisfaction (CSAT)" })).toBeVisible();
    const form = page.getByRole("form", { name: "CSAT settings" });
    await form.getByLabel("Send a survey after each resolved conversation").check();
    await form.getByLabel("Question").fill("Did we solve it?");
    await form.getByLabel("Worst answer (1)").fill("Not at all");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved");

    await page.reload();
    const reloaded = page.getByRole("form", { name: "CSAT settings" });
    await expect(reloaded.getByLabel("Send a survey after each resolved conversation")).toBeChecked();
    await expect(reloaded.getByLabel("Question")).toHaveValue("Did we solve it?");
    await expect(reloaded.getByLabel("Worst answer (1)")).toHaveValue("Not at all");

    // A label over WhatsApp's 20 characters is refused with the field named, and nothing changes.
    await reloaded.getByLabel("Best answer (3)").evaluate((el) => el.removeAttribute("maxlength"));
    await reloaded.getByLabel("Best answer (3)").fill("Absolutely wonderful!!");
    await reloaded.getByRole("button", { name: "Save" }).click();
    await expect(reloaded.getByRole("alert")).toContainText("button_labels.0");
  } finally {
    // Later specs resolve conversations and must not get a survey.
    const reset = await page.request.put(`${state.baseURL}/api/v1/csat/settings`, { data: DEFAULTS });
    expect(reset.status()).toBe(200);
  }
});
