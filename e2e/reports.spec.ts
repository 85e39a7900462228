import crypto from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The reports page on the demo workspace: charts drawn from the rollups and work cycles, and the CSV export.

const state = readState();
const supervisor = state.logins.find((l) => l.role === "supervisor")!;

test("the reports page draws charts for the demo data and exports a CSV", async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page, supervisor.email, supervisor.password);

  // One cycle with a first response and a resolution, so every timing chart has a bar.
  const name = `Reports ${crypto.randomInt(1e6)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", {
    name,
    phone: `4477010${crypto.randomInt(10_000, 99_999)}`,
  });
  await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text: "How much is it?" });
  let conversationId = "";
  await expect
    .poll(async () => {
      // The board lists open conversations with their contact's name.
      const res = await page.request.get(`${state.baseURL}/api/v1/board`);
      const board = (await res.json()) as { conversations: { id: string; contact_name: string }[] };
      conversationId = board.conversations.find((c) => c.contact_name === name)?.id ?? "";
      return conversationId;
    })
    .not.toBe("");
  const reply = await page.request.post(`${state.baseURL}/api/v1/conversations/${conversationId}/messages`, {
    headers: { "idempotency-key": crypto.randomUUID() },
    data: { type: "text", text: "It is 20 euros." },
  });
  expect(reply.status()).toBe(201);
  expect(
    (await page.request.post(`${state.baseURL}/api/v1/conversations/${conversationId}/resolve`)).ok(),
  ).toBe(true);

  // Message volume comes from a rollup that runs every minute over messages older than a minute.
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`${state.baseURL}/api/v1/reports?from=${weekAgo}&to=${today}`);
        return ((await res.json()) as { totals: { inbound: number } }).totals.inbound;
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBeGreaterThan(0);

  await page.getByRole("link", { name: "Reports", exact: true }).click();
  await expect(page).toHaveURL(/\/reports/);
  await expect(page.getByTestId("range-7d")).toHaveAttribute("aria-pressed", "true");
  for (const chart of ["chart-volume", "chart-first-response", "chart-resolution", "chart-rates"]) {
    await expect(page.getByTestId(chart).locator(".recharts-bar-rectangle").first(), chart).toBeVisible();
  }
  // Grouped by agent: at least one agent row above the overall row.
  await expect(
    page.getByTestId("report-table").locator("tbody [data-testid=report-row]").first(),
  ).toBeVisible();
  await expect(page.getByTestId("kpi-cycles")).not.toHaveText("0");

  // Grouping by team redraws the table with the team names.
  await page.getByLabel("Group by").selectOption("team");
  await expect(page.getByTestId("report-row").filter({ hasText: "Support" })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("report-export").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^tandem-report-team-.*\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toMatch(/^team,cycles,first_response_avg_min/);
  expect(csv).toContain("Support");
});
