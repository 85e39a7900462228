import { expect, test } from "@playwright/test";
import { RATES } from "../lib/campaigns/pricing";
import { readState } from "./state";
import { signIn, sim } from "./support";

const state = readState();
const supervisor = state.logins.find((l) => l.role === "supervisor")!;
// Two of the demo customers; the simulator must know them to deliver (the seed wrote them straight to the app).
const optedIn = [
  { name: "Maria Lopez", phone: "14155550101", bsuid: "US.13491208655302741918" },
  { name: "Tom Becker", phone: "4915112345678", bsuid: "DE.88123400991200341" },
];

test("a supervisor creates a marketing campaign from the demo data, sees the estimate, starts it and watches it progress", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  // Slow receipts down so each step (sent, delivered, read) is visible on the page.
  const { config } = (await sim(request, "GET", "/state")) as { config: { statusStepMs: number } };
  await sim(request, "POST", "/config", { statusStepMs: 1_500 });
  try {
    for (const c of optedIn) await sim(request, "POST", "/customers", c);
    await signIn(page, supervisor.email, supervisor.password);
    await expect(page).toHaveURL(/\/inbox/);

    // Two customers told us they want offers (agents record it; keywords and Meta's signals do too).
    const conversations = await page.request.get(`${state.baseURL}/api/v1/conversations?limit=50`);
    const list = (await conversations.json()) as { data: { contact: { id: string; name: string } }[] };
    for (const c of optedIn) {
      const contact = list.data.find((row) => row.contact.name === c.name)?.contact;
      expect(contact, c.name).toBeDefined();
      const res = await page.request.post(`${state.baseURL}/api/v1/contacts/${contact!.id}/consent`, {
        data: { state: "opt_in", reason: "signed up for offers in the shop" },
      });
      expect(res.status()).toBe(201);
    }

    await page.getByRole("link", { name: "Campaigns" }).click();
    await expect(page).toHaveURL(/\/campaigns/);
    await page.getByTestId("campaigns-new").click();
    const wizard = page.getByTestId("campaign-wizard");
    await wizard.getByLabel("Campaign name").fill("Spring sale");
    await wizard.getByLabel("Number", { exact: true }).selectOption({ label: "+1 555 010 0001" });
    const promo = wizard.locator("#cw-template option", { hasText: "spring_promo" });
    await expect(promo).toHaveCount(1);
    await wizard.getByLabel("Template", { exact: true }).selectOption((await promo.getAttribute("value"))!);
    await expect(wizard.getByTestId("wizard-category")).toHaveText("MARKETING");
    await wizard.getByLabel("Text for {{1}}").fill("20%");
    await wizard.getByLabel("Header image link").fill("https://example.com/spring.jpg");
    await expect(wizard.getByTestId("campaign-preview")).toContainText(
      "Spring sale: 20% off everything this week!",
    );

    // The estimate: only the two opted-in contacts; every other contact on the number (three demo ones, plus
    // whoever earlier specs created) is skipped, with why.
    await expect(wizard.getByTestId("estimate-recipients")).toHaveText("2");
    const skipped = Number(await wizard.getByTestId("estimate-skipped").textContent());
    expect(skipped).toBeGreaterThanOrEqual(3);
    await expect(wizard.getByTestId("estimate-skip-reasons")).toContainText(
      `${skipped} skipped: no marketing opt-in`,
    );
    await expect(wizard.locator('[data-testid="estimate-country"][data-country="US"]')).toBeVisible();
    await expect(wizard.locator('[data-testid="estimate-country"][data-country="DE"]')).toBeVisible();
    const total = RATES.US!.marketing + RATES.DE!.marketing;
    await expect(wizard.getByTestId("estimate-total")).toContainText(
      String(Math.round(total * 10_000) / 10_000),
    );
    await expect(wizard.getByTestId("estimate-note")).toContainText("Estimate only");
    await expect(wizard.getByTestId("estimate-note")).toContainText("2025-07-01");

    await wizard.getByTestId("campaign-submit").click();
    const detail = page.getByTestId("campaign-detail");
    await expect(detail).toBeVisible();
    await expect(detail.getByTestId("campaign-state")).toHaveText(/running|completed/);
    const row = page.locator('[data-testid="campaign-row"][data-name="Spring sale"]');
    await expect(row).toBeVisible();

    // Progress moves live as the receipts arrive: first some are on their way, then both are read.
    await expect
      .poll(
        async () =>
          Number(await detail.getByTestId("count-sent").textContent()) +
          Number(await detail.getByTestId("count-delivered").textContent()),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThan(0);
    await expect(detail.getByTestId("count-read")).toHaveText("2", { timeout: 30_000 });
    await expect(detail.getByTestId("count-skipped")).toHaveText(String(skipped));
    await expect(detail.getByTestId("campaign-state")).toHaveText("completed");
    await expect(detail.getByTestId("rate-read")).toHaveText("100%", { timeout: 15_000 });
    await expect(row).toHaveAttribute("data-state", "completed");
  } finally {
    await sim(request, "POST", "/config", { statusStepMs: config.statusStepMs });
  }
});
