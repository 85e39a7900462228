import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The supervisor's live board against the real server: load changes arrive over the socket (no reload,
// no polling), and reassigning by menu (keyboard) and by drag and drop agrees with the API.

const state = readState();
const supervisor = state.logins.find((l) => l.role === "supervisor")!;
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

/** A new simulator customer who writes; their conversation lands in Support, unassigned. */
async function customerWrites(request: APIRequestContext, name: string) {
  const phone = `4477009${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text: "Anyone there?" });
}

const agentCard = (page: Page, name: string) =>
  page.locator(`[data-testid="board-agent"][data-name="${name}"]`);
const chip = (page: Page, contact: string) =>
  page.locator(`[data-testid="board-conversation"][data-contact="${contact}"]`);

async function assigneeOf(page: Page, conversationId: string): Promise<string | null> {
  const res = await page.request.get(`${state.baseURL}/api/v1/conversations/${conversationId}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { assignee_id: string | null }).assignee_id;
}

test("a supervisor watches an agent's load change live and reassigns by menu and by drag", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await signIn(page, supervisor.email, supervisor.password);
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(page).toHaveURL(/\/board/);
  await expect(page.getByTestId("board-live")).toHaveAttribute("data-state", "live");

  const alex = agentCard(page, "Alex Agent");
  const sam = agentCard(page, "Sam Supervisor");
  await expect(alex).toBeVisible();
  const alexId = (await alex.getAttribute("data-user-id"))!;
  const samId = (await sam.getAttribute("data-user-id"))!;
  const before = Number(await alex.getAttribute("data-open"));
  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((window as unknown as { boardMark: number }).boardMark = 1));

  // A customer writes: the conversation appears in the waiting list live.
  const name = `Board Live ${crypto.randomInt(1e6)}`;
  await customerWrites(request, name);
  await expect(page.getByTestId("board-waiting").locator(chip(page, name))).toBeVisible();
  const conversationId = (await chip(page, name).getAttribute("data-id"))!;

  // Someone else assigns it to Alex through the API: Alex's load moves on the open board.
  const assigned = await page.request.post(`${state.baseURL}/api/v1/conversations/${conversationId}/assign`, {
    data: { assignee_id: alexId },
  });
  expect(assigned.ok()).toBe(true);
  await expect(alex).toHaveAttribute("data-open", String(before + 1));
  await expect(alex.locator(chip(page, name))).toBeVisible();
  await expect(alex.locator('[data-testid="agent-load"][data-team="Support"]')).toContainText(
    `${before + 1}/`,
  );
  expect(await page.evaluate(() => (window as unknown as { boardMark?: number }).boardMark)).toBe(1);

  // Reassign to Sam with the keyboard through the conversation's menu.
  const menuButton = alex.locator(chip(page, name)).getByTestId("board-conversation-menu");
  await menuButton.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Back to the queue" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("menuitem", { name: /Sam Supervisor/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("board-status")).toContainText(`${name} assigned to Sam Supervisor`);
  await expect(sam.locator(chip(page, name))).toBeVisible();
  await expect(alex).toHaveAttribute("data-open", String(before));
  expect(await assigneeOf(page, conversationId)).toBe(samId);

  // Drag it from Sam back to the waiting list: unassigned on the board and in the API.
  // Dropped near the list's top: with many waiting conversations its centre can sit below the fold.
  await sam.locator(chip(page, name)).dragTo(page.getByTestId("board-waiting"), {
    targetPosition: { x: 40, y: 12 },
  });
  await expect(page.getByTestId("board-waiting").locator(chip(page, name))).toBeVisible();
  expect(await assigneeOf(page, conversationId)).toBeNull();

  // And drag it onto Alex.
  await page.getByTestId("board-waiting").locator(chip(page, name)).dragTo(alex);
  await expect(alex.locator(chip(page, name))).toBeVisible();
  expect(await assigneeOf(page, conversationId)).toBe(alexId);
  expect(await page.evaluate(() => (window as unknown as { boardMark?: number }).boardMark)).toBe(1);
});

test("the board shows which conversation an agent is viewing and typing in, live", async ({
  page,
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const name = `Board Viewing ${crypto.randomInt(1e6)}`;
  await customerWrites(request, name);
  await signIn(page, supervisor.email, supervisor.password);
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(page).toHaveURL(/\/board/);
  await expect(page.getByTestId("board-live")).toHaveAttribute("data-state", "live");
  const viewing = agentCard(page, "Alex Agent").getByTestId("agent-viewing").filter({ hasText: name });

  // Alex opens the conversation in his own browser: his card says so, then that he is typing in it.
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    await signIn(tab, agent.email, agent.password);
    await expect(tab.getByTestId("connection-state")).toHaveText("● Live");
    await tab.getByTestId("conversation-row").filter({ hasText: name }).click();
    await expect(viewing).toBeVisible();
    await expect(viewing).toHaveAttribute("data-typing", "false");
    await expect(viewing.getByRole("link", { name })).toHaveAttribute("href", /\/inbox\?c=/);
    await tab.getByTestId("composer-input").pressSequentially("Looking into it");
    await expect(viewing).toHaveAttribute("data-typing", "true");
    // Closing the tab leaves at once (no waiting for the 30 s lapse).
    await tab.close();
    await expect(viewing).toHaveCount(0, { timeout: 10_000 });
  } finally {
    await context.close();
  }
});
