import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page, type WebSocketRoute } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The open thread against the real server and the simulator: a long imported thread that is virtualized
// and pages backwards without moving what the agent reads, the "new messages" pill, and live presence.

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;
const supervisor = state.logins.find((l) => l.role === "supervisor")!;

async function signInLive(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
}

async function newCustomer(request: APIRequestContext, name: string) {
  const phone = `4477009${crypto.randomInt(10_000, 99_999)}`;
  return sim<{ id: string }>(request, "POST", "/customers", { name, phone });
}

async function customerSays(request: APIRequestContext, customerId: string, text: string) {
  await sim(request, "POST", `/customers/${customerId}/send`, { type: "text", text });
}

const row = (page: Page, name: string) => page.getByTestId("conversation-row").filter({ hasText: name });
const bubble = (page: Page, text: string | RegExp) => page.getByTestId("message").filter({ hasText: text });
/**
 * One imported message by its number ("history message 1" is not "history message 10"), matched on its own
 * text line: the bubble's whole text runs on into its time ("history message 40007:31 PM").
 */
const historyMessage = (page: Page, n: number) =>
  page.getByTestId("message").filter({ has: page.getByText(new RegExp(`history message ${n}$`)) });
const unique = (prefix: string) => `${prefix} ${crypto.randomInt(1e6)}`;

async function open(page: Page, name: string) {
  await row(page, name).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
}

/** Scrolls the thread to its very top, as a reader dragging up would. */
async function scrollThreadToTop(page: Page) {
  await page.getByTestId("thread").evaluate((el) => el.scrollTo({ top: 0 }));
}

test("a 400-message imported thread is virtualized, pages back to its start and keeps the reader's place", async ({
  page,
  request,
}) => {
  const name = unique("Long Thread");
  const customer = await newCustomer(request, name);
  await sim(request, "POST", "/history", {
    customerIds: [customer.id],
    messagesPerThread: 400,
    days: 30,
    threadsPerChunk: 1,
  });
  await customerSays(request, customer.id, "Latest question");

  await signInLive(page, agent.email, agent.password);
  await open(page, name);
  await expect(bubble(page, "Latest question")).toBeVisible();
  await expect(historyMessage(page, 400)).toBeVisible();
  // A page holds 50 messages; only the rows near the viewport are in the DOM.
  const rendered = await page.getByTestId("message").count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(45);

  // At the top, the older page is prepended and the row being read stays where it was. The older page is
  // held back until the position before it lands has been read (a fixed delay can lapse on a busy machine).
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/messages\?.*cursor=/, async (route) => {
    await held;
    await route.continue();
  });
  await scrollThreadToTop(page);
  await expect(page.getByTestId("loading-older")).toBeVisible();
  const anchorId = await page.getByTestId("message").first().getAttribute("data-message-id");
  const anchor = page.locator(`[data-message-id="${anchorId}"]`);
  const before = (await anchor.boundingBox())!.y;
  release();
  // The older page's newest rows sit just above the anchor (rows further up are virtualized away).
  await expect(historyMessage(page, 350)).toHaveCount(1, { timeout: 10_000 });
  await expect(page.getByTestId("loading-older")).toHaveCount(0);
  await expect(anchor).toBeVisible();
  expect(Math.abs((await anchor.boundingBox())!.y - before)).toBeLessThan(8);

  // All the way up: the start of the conversation with its imported-history divider, still virtualized.
  for (let i = 0; i < 30 && !(await page.getByTestId("thread-start").isVisible()); i++) {
    await scrollThreadToTop(page);
    await page.waitForTimeout(300);
    // The older page on its way lands before the next drag up (a page can take a second on a busy machine).
    await expect(page.getByTestId("loading-older")).toHaveCount(0, { timeout: 10_000 });
  }
  await expect(page.getByTestId("thread-start")).toBeVisible();
  await expect(historyMessage(page, 1)).toBeVisible();
  await expect(page.getByTestId("history-divider").first()).toHaveText("Imported from WhatsApp Business app");
  await expect(page.getByTestId("day-divider").first()).toBeVisible();
  expect(await page.getByTestId("message").count()).toBeLessThan(45);

  // Up in the history a new message does not pull the reader down: a pill counts it.
  await customerSays(request, customer.id, "Are you there?");
  await expect(page.getByTestId("new-messages-pill")).toHaveText("1 new message ↓");
  await expect(historyMessage(page, 1)).toBeVisible();
  await page.getByTestId("new-messages-pill").click();
  await expect(bubble(page, "Are you there?")).toBeVisible();
  await expect(page.getByTestId("new-messages-pill")).toHaveCount(0);

  // At the bottom the thread follows new messages by itself.
  await customerSays(request, customer.id, "Hello again from the bottom");
  await expect(bubble(page, "Hello again from the bottom")).toBeInViewport();
  await expect(page.getByTestId("new-messages-pill")).toHaveCount(0);
});

test("two agents on one thread see each other viewing and typing, and a closed tab goes away", async ({
  page,
  request,
  browser,
}) => {
  const name = unique("Collision");
  const customer = await newCustomer(request, name);
  await customerSays(request, customer.id, "Can someone help me?");

  await signInLive(page, agent.email, agent.password);
  await open(page, name);
  const other = await browser.newContext();
  try {
    const boss = await other.newPage();
    await signInLive(boss, supervisor.email, supervisor.password);
    await open(boss, name);

    // Each sees the other, whoever opened first.
    await expect(page.getByTestId("presence-viewing")).toHaveText("Sam Supervisor is viewing");
    await expect(boss.getByTestId("presence-viewing")).toHaveText("Alex Agent is viewing");

    await boss.getByTestId("composer-input").pressSequentially("I'll take th");
    await expect(page.getByTestId("presence-typing")).toHaveText("Sam Supervisor is typing…");
    // Typing lapses a few seconds after the last keystroke; viewing stays.
    await expect(page.getByTestId("presence-viewing")).toHaveText("Sam Supervisor is viewing", {
      timeout: 10_000,
    });
    await expect(page.getByTestId("presence-typing")).toHaveCount(0);
  } finally {
    await other.close();
  }
  // The closed tab's socket says goodbye at once; no reload needed.
  await expect(page.getByTestId("presence")).toHaveCount(0);
});

test("after the socket is down for 30 s, every message sent meanwhile appears once, without a reload", async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(120_000);
  // Every socket of the page goes through this proxy, so the test can cut it and refuse reconnects.
  let cut = false;
  const routes = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (cut) return void ws.close();
    const server = ws.connectToServer();
    routes.add({ page: ws, server });
  });

  // Requests in flight when the tab goes offline still complete: the test waits them out, so what the page
  // shows afterwards can only have come from the catch-up.
  let inFlight = 0;
  page.on("request", () => void inFlight++);
  page.on("requestfinished", () => void inFlight--);
  page.on("requestfailed", () => void inFlight--);

  const name = unique("Socket Drop");
  const customer = await newCustomer(request, name);
  await customerSays(request, customer.id, "Before the drop");
  await signInLive(page, agent.email, agent.password);
  await open(page, name);
  await expect(bubble(page, "Before the drop")).toBeVisible();
  const reloads: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) reloads.push(frame.url());
  });

  cut = true;
  await context.setOffline(true);
  for (const ws of routes) {
    await ws.page.close();
    await ws.server.close();
  }
  routes.clear();
  await expect(page.getByTestId("connection-state")).not.toHaveText("● Live");
  await expect.poll(() => inFlight).toBe(0);
  const missed = ["Missed one", "Missed two", "Missed three"];
  // Meta's timestamps are whole seconds and its webhooks come in no promised order, so messages sharing a
  // second read in the order the app stored them: each is sent once the previous one is stored (read over
  // the API, which is not behind the tab's offline switch).
  const conversationId = new URL(page.url()).searchParams.get("c");
  const stored = async () => {
    const response = await page.request.get(
      `${state.baseURL}/api/v1/conversations/${conversationId}/messages?limit=10`,
    );
    return ((await response.json()) as { data: { text: string | null }[] }).data.map((m) => m.text);
  };
  for (const text of missed) {
    await customerSays(request, customer.id, text);
    await expect.poll(stored).toContain(text);
  }
  await page.waitForTimeout(30_000);
  for (const text of missed) await expect(bubble(page, text)).toHaveCount(0);

  cut = false;
  await context.setOffline(false);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live", { timeout: 15_000 });
  // T4b: within 2 s of the reconnect, each missed message once, in order, with no page load.
  for (const text of missed) await expect(bubble(page, text)).toHaveCount(1, { timeout: 2_000 });
  const texts = await page.getByTestId("message").allInnerTexts();
  const order = missed.map((text) => texts.findIndex((t) => t.includes(text)));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(reloads).toEqual([]);
});

test("the contact panel shows who the customer is, and i hides it for good", async ({ page, request }) => {
  const name = unique("Panel Person");
  const customer = await newCustomer(request, name);
  await customerSays(request, customer.id, "Who am I to you?");
  await signInLive(page, agent.email, agent.password);
  await open(page, name);

  const panel = page.getByTestId("contact-panel");
  await expect(panel.getByTestId("contact-name")).toHaveText(name);
  await expect(panel.getByTestId("contact-identity")).toContainText("WhatsApp profile");
  await expect(panel.getByTestId("contact-identity")).toContainText(/Phone\s*\+4477009\d{5}/);
  await expect(panel).toContainText("Other conversations");

  // A note written in the thread is listed in the panel too.
  await page.getByTestId("thread").click();
  await page.keyboard.press("n");
  await page.getByTestId("note-input").fill("Prefers email");
  await page.getByTestId("note-input").press("Enter");
  await expect(panel.getByTestId("contact-notes")).toContainText("Prefers email");

  await page.getByTestId("thread").click();
  await page.keyboard.press("i");
  await expect(panel).toHaveCount(0);
  await page.reload();
  await open(page, name);
  await expect(page.getByTestId("contact-panel-toggle")).toBeVisible();
  await expect(page.getByTestId("contact-panel")).toHaveCount(0);
  await page.getByTestId("contact-panel-toggle").click();
  await expect(page.getByTestId("contact-panel")).toBeVisible();
});

test("the theme follows the system until chosen, is kept, and is set before the first paint", async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signInLive(page, agent.email, agent.password);
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  // The class is in place in the server's HTML as soon as the head script ran, before any React code.
  const darkAtStart = async () => {
    await page.goto(`${state.baseURL}/inbox`, { waitUntil: "commit" });
    await page.waitForSelector("body", { state: "attached" });
    return page.evaluate(() => document.documentElement.classList.contains("dark"));
  };
  expect(await darkAtStart()).toBe(true);

  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  expect(await darkAtStart()).toBe(false);
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: "light" });
  expect(await darkAtStart()).toBe(true);
});
