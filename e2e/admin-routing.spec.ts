import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { DEFAULT_FLOW } from "../lib/bots/flow/default-flow";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The routing admin page: team policy and capacity, and routing rules made in the UI that then decide
// where a real bot handoff goes. The demo number gets a flow bot for this file only.

const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const DEMO_NUMBER = "+1 555 010 0001";

type Choice = { kind: string; id: string; title: string };

// Bot messages to one customer are paced 6 s apart (Meta's pair rate), so the journey takes a while.
test.describe.configure({ timeout: 120_000 });

test("an admin sets capacity and builds ordered routing rules; a Spanish handoff goes to Sales by its rule", async ({
  page,
  request,
}) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await signIn(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Routing", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/routing$/);

  // Teams: the policy and each member's capacity, saved and still there after a reload.
  const support = page.getByRole("region", { name: "Support routing" });
  await expect(support.getByLabel("Assignment policy for Support")).toHaveValue("manual");
  const setCapacity = async (value: string) => {
    const region = page.getByRole("region", { name: "Support routing" });
    await region.getByLabel("Capacity of Alex Agent").fill(value);
    const saved = page.waitForResponse(
      (r) => r.request().method() === "PATCH" && r.url().includes("/api/v1/routing/teams/"),
    );
    await region.getByTestId("member-capacity").filter({ hasText: "Alex Agent" }).getByRole("button").click();
    expect((await saved).status()).toBe(200);
  };
  const before = await support.getByLabel("Capacity of Alex Agent").inputValue();
  await setCapacity(before === "7" ? "8" : "7");
  await page.reload();
  await expect(
    page.getByRole("region", { name: "Support routing" }).getByLabel("Capacity of Alex Agent"),
  ).toHaveValue(before === "7" ? "8" : "7");
  await setCapacity(before);

  // Rules: empty at first; a rule without a condition is refused with a clear message.
  await expect(page.getByText("No routing rules yet")).toBeVisible();
  await page.getByRole("button", { name: "Add rule" }).click();
  let form = page.getByTestId("rule-form");
  await form.getByLabel("Rule name").fill("Spanish to Sales");
  await form.getByLabel("Send to team").selectOption({ label: "Sales" });
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByRole("alert")).toHaveText("conditions needs at least one condition");
  await form.getByLabel("Language").fill("es");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form).toHaveCount(0);

  await page.getByRole("button", { name: "Add rule" }).click();
  form = page.getByTestId("rule-form");
  await form.getByLabel("Rule name").fill("Refunds to Support");
  await form.getByLabel("Send to team").selectOption({ label: "Support" });
  await form.getByLabel("Keyword").fill("refund");
  await form.getByRole("button", { name: "Add rule" }).click();
  const names = page.getByTestId("routing-rule").getByTestId("rule-name");
  await expect(names).toHaveText(["Spanish to Sales", "Refunds to Support"]);
  await expect(page.getByTestId("routing-rule").first()).toContainText("If language is es → Sales");

  // Reorder, and the order survives a reload.
  await page.getByRole("button", { name: "Move Refunds to Support up" }).click();
  await expect(names).toHaveText(["Refunds to Support", "Spanish to Sales"]);
  await page.reload();
  await expect(names).toHaveText(["Refunds to Support", "Spanish to Sales"]);

  // Edit a rule, then delete the other one.
  await page.getByRole("button", { name: "Edit Refunds to Support" }).click();
  form = page.getByTestId("rule-form");
  await form.getByLabel("Keyword").fill("reembolso");
  await form.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByTestId("routing-rule").first()).toContainText('message contains "reembolso"');
  await page.getByRole("button", { name: "Delete Refunds to Support" }).click();
  await expect(names).toHaveText(["Spanish to Sales"]);

  // A customer who picks Español and asks for a person lands in Sales, by that rule.
  const numberId = await turnOnFlowBot(page);
  try {
    const name = `Routing Journey ${crypto.randomInt(1e6)}`;
    const phone = `4477010${crypto.randomInt(10_000, 99_999)}`;
    const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
    await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text: "Hola" });
    await tap(request, customer.id, "Español");
    await tap(request, customer.id, "Hablar con persona");

    const teams = (await (await page.request.get(`${state.baseURL}/api/v1/teams?limit=200`)).json()) as {
      data: { id: string; name: string }[];
    };
    const sales = teams.data.find((t) => t.name === "Sales")!.id;
    await expect
      .poll(
        async () => {
          const res = await page.request.get(`${state.baseURL}/api/v1/conversations?limit=200`);
          const list = (await res.json()) as {
            data: { status: string; team_id: string; contact: { name: string } }[];
          };
          const found = list.data.find((c) => c.contact.name === name);
          return found && { status: found.status, team_id: found.team_id };
        },
        { timeout: 30_000 },
      )
      .toEqual({ status: "open", team_id: sales });
  } finally {
    await putBot(page, numberId, { active: false });
    await page.getByRole("button", { name: "Delete Spanish to Sales" }).click();
    await expect(page.getByText("No routing rules yet")).toBeVisible();
  }
});

async function turnOnFlowBot(page: Page): Promise<string> {
  const bots = await page.request.get(`${state.baseURL}/api/v1/bots`);
  const row = ((await bots.json()) as { data: { number_id: string; display_number: string }[] }).data.find(
    (b) => b.display_number === DEMO_NUMBER,
  );
  expect(row, "the demo number").toBeDefined();
  await putBot(page, row!.number_id, { active: false });
  const flow = await page.request.post(`${state.baseURL}/api/v1/bots/${row!.number_id}/flow`, {
    data: { definition: DEFAULT_FLOW },
  });
  expect(flow.status(), await flow.text()).toBe(201);
  await putBot(page, row!.number_id, { active: true });
  return row!.number_id;
}

async function putBot(page: Page, id: string, patch: { active: boolean }) {
  const res = await page.request.put(`${state.baseURL}/api/v1/bots/${id}`, {
    data: { name: "Routing bot", kind: "flow", ...patch },
  });
  expect(res.ok(), await res.text()).toBe(true);
}

/** Waits for the bot to offer a button with this title, then taps it on the customer's phone. */
async function tap(request: APIRequestContext, customerId: string, title: string) {
  let choice: Choice | undefined;
  await expect
    .poll(
      async () => {
        const chat = await sim<{ choices?: Choice[] }[]>(request, "GET", `/customers/${customerId}/messages`);
        choice = chat.flatMap((m) => m.choices ?? []).findLast((c) => c.title === title);
        return Boolean(choice);
      },
      { message: `the bot offers "${title}"`, timeout: 30_000 },
    )
    .toBe(true);
  await sim(request, "POST", `/customers/${customerId}/send`, { type: choice!.kind, id: choice!.id, title });
}
