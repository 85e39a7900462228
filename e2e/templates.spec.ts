import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;

test("admin syncs the demo templates, creates one with a live preview, and sees it PENDING then APPROVED", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  // Keep the new template in review until the test approves it, so PENDING is observable.
  const { config } = (await sim(request, "GET", "/state")) as { config: { templateReviewMs: number } };
  await sim(request, "POST", "/config", { templateReviewMs: 600_000 });
  try {
    await signIn(page, admin.email, admin.password);
    await expect(page).toHaveURL(/\/inbox/);
    await page.getByRole("link", { name: "Templates" }).click();
    await expect(page).toHaveURL(/\/admin\/templates/);
    await expect(page.getByRole("heading", { name: "Message templates" })).toBeVisible();

    await page.getByLabel("Search templates").fill("no_such_template_anywhere");
    await expect(page.getByTestId("templates-empty")).toContainText("No templates match.");
    await page.getByLabel("Search templates").fill("");

    // Sync: the simulator's demo templates appear with their badges.
    await page.getByTestId("templates-sync").click();
    await expect(page.getByTestId("sync-result")).toContainText(
      /Synced \d+ accounts?: \d+ added, \d+ updated, \d+ removed\./,
    );
    for (const name of ["hello_world", "order_ready", "spring_promo"]) {
      const row = page.locator(`[data-testid="template-row"][data-name="${name}"]`);
      await expect(row.getByTestId("template-status")).toHaveText("APPROVED");
      await expect(row.getByTestId("template-language")).toHaveText("en_US");
    }
    const promo = page.locator('[data-testid="template-row"][data-name="spring_promo"]');
    await expect(promo.getByTestId("template-category")).toHaveText("MARKETING");
    await expect(promo.getByTestId("template-quality")).toHaveText("GREEN");

    // Create: the preview follows the form as the admin types.
    const name = `e2e_pickup_${Date.now().toString(36)}`;
    await page.getByTestId("templates-new").click();
    const preview = page.getByTestId("template-preview");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Header", { exact: true }).selectOption("TEXT");
    await page.getByLabel("Header text").fill("Order ready");
    await expect(preview.getByTestId("preview-header")).toHaveText("Order ready");
    await page.getByLabel("Body").pressSequentially("Hi {{1}}");
    await expect(preview.getByTestId("preview-body")).toHaveText("Hi {{1}}");
    await page.getByLabel("Example for {{1}}").fill("Maria");
    await expect(preview.getByTestId("preview-body")).toHaveText("Hi Maria");
    await page.getByLabel("Footer").fill("Tandem demo shop");
    await expect(preview.getByTestId("preview-footer")).toHaveText("Tandem demo shop");
    await page.getByTestId("add-button").click();
    await page.getByLabel("Button 1 text").fill("Thanks!");
    await expect(preview.getByTestId("preview-button")).toContainText("Thanks!");

    // A body ending in a variable is refused by the API; the error sits under the body field.
    await page.getByTestId("template-submit").click();
    await expect(page.getByTestId("error-components.body.text")).toHaveText(
      "may not start or end with a variable",
    );

    await page.getByLabel("Body").pressSequentially(", your order is ready for pickup.");
    await expect(preview.getByTestId("preview-body")).toHaveText("Hi Maria, your order is ready for pickup.");
    await page.getByTestId("template-submit").click();
    await expect(page.getByTestId("template-form")).toHaveCount(0);
    await expect(page.getByTestId("template-notice")).toContainText(
      `${name} was submitted to Meta for review (PENDING)`,
    );
    const row = page.locator(`[data-testid="template-row"][data-name="${name}"]`);
    await expect(row.getByTestId("template-status")).toHaveText("PENDING");
    await expect(row.getByTestId("template-category")).toHaveText("UTILITY");

    // Meta approves it by webhook; the list polls while something is PENDING.
    const templates = (await sim(request, "GET", "/templates")) as { id: string; name: string }[];
    const created = templates.find((t) => t.name === name);
    expect(created).toBeDefined();
    await sim(request, "POST", `/templates/${created!.id}/status`, { event: "APPROVED" });
    await expect(row.getByTestId("template-status")).toHaveText("APPROVED", { timeout: 20_000 });

    await row.getByRole("button").first().click();
    await expect(row.getByTestId("preview-body")).toHaveText("Hi Maria, your order is ready for pickup.");
  } finally {
    await sim(request, "POST", "/config", { templateReviewMs: config.templateReviewMs });
  }
});
