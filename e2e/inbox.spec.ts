import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The agent inbox against the real server and the simulator: views and counts, actions, notes with
// mentions and the bell, snooze, labels, search, canned responses and keyboard-only triage.

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;
const supervisor = state.logins.find((l) => l.role === "supervisor")!;
const admin = state.logins.find((l) => l.role === "admin")!;

async function signInLive(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
}

/** A new simulator customer who writes `text`; their conversation lands in Support, unassigned. */
async function customerWrites(request: APIRequestContext, name: string, text: string) {
  const phone = `4477008${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text });
  return customer;
}

const row = (page: Page, name: string) => page.getByTestId("conversation-row").filter({ hasText: name });

async function open(page: Page, name: string) {
  await row(page, name).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
}

async function viewCount(page: Page, view: string): Promise<number> {
  const text = await page.getByTestId(`view-${view}`).getByTestId("view-count").textContent();
  return Number(text);
}

async function withContext<T>(browser: Browser, body: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await body(await context.newPage());
  } finally {
    await context.close();
  }
}

const unique = (prefix: string) => `${prefix} ${crypto.randomInt(1e6)}`;

test("views and counts move when an agent takes and resolves a conversation", async ({ page, request }) => {
  await signInLive(page, agent.email, agent.password);
  const name = unique("Take Resolve");
  await customerWrites(request, name, "Where is my parcel?");
  await expect(row(page, name)).toBeVisible();
  await expect(row(page, name)).toContainText("Where is my parcel?");

  const mine = await viewCount(page, "mine");
  const unassigned = await viewCount(page, "unassigned");
  await open(page, name);
  await expect(page.getByTestId("action-assign")).toHaveText("Unassigned");
  await page.getByTestId("action-assign").click();
  await page.getByTestId("assign-me").click();
  await expect(page.getByTestId("action-assign")).toHaveText("Assigned to you");
  await expect.poll(() => viewCount(page, "mine")).toBe(mine + 1);
  await expect.poll(() => viewCount(page, "unassigned")).toBe(unassigned - 1);
  await expect(row(page, name).getByTestId("row-assignee")).toHaveText("Alex Agent");
  // The timeline says who took it.
  await expect(
    page.getByTestId("timeline-event").filter({ hasText: "You took this conversation" }),
  ).toBeVisible();

  // Mine shows it; resolving takes it out of Mine and All, into Resolved.
  await page.getByTestId("view-mine").click();
  await expect(row(page, name)).toBeVisible();
  await page.getByTestId("action-resolve").click();
  await expect(row(page, name)).toHaveCount(0);
  await expect.poll(() => viewCount(page, "mine")).toBe(mine);
  await expect(page.getByTestId("conversation-status")).toHaveText("Resolved");
  await expect(page.getByTestId("timeline-event").filter({ hasText: "Resolved by you" })).toBeVisible();
  await page.getByTestId("view-resolved").click();
  await expect(row(page, name)).toBeVisible();
  // Reopen brings it back to the open queues.
  await page.getByTestId("action-reopen").click();
  await expect(row(page, name)).toHaveCount(0);
  await page.getByTestId("view-mine").click();
  await expect(row(page, name)).toBeVisible();
});

test("a note with an @mention shows on the thread and reaches the mentioned supervisor's bell live", async ({
  page,
  request,
  browser,
}) => {
  const name = unique("Note Mention");
  await customerWrites(request, name, "I need a refund");
  await withContext(browser, async (boss) => {
    await signInLive(boss, supervisor.email, supervisor.password);
    const list = await boss.request.get(`${state.baseURL}/api/v1/notifications`);
    const before = ((await list.json()) as { unread: number }).unread;

    await signInLive(page, agent.email, agent.password);
    await open(page, name);
    await page.getByTestId("thread").click();
    await page.keyboard.press("n");
    const note = page.getByTestId("note-input");
    await expect(note).toBeFocused();

    // Someone who cannot see the conversation (Bea is in Sales only) is refused, by name.
    await note.pressSequentially("Ask @Bea");
    await expect(page.getByTestId("mention-picker")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(note).toHaveValue("Ask @Bea Agent ");
    await note.press("Enter");
    await expect(page.getByTestId("note-error")).toHaveText("Bea Agent cannot see this conversation");

    await note.fill("");
    await note.pressSequentially("Refund over 100 EUR, @Sam");
    await page.getByTestId("mention-option").filter({ hasText: "Sam Supervisor" }).click();
    await note.pressSequentially("please approve");
    await page.getByTestId("note-send").click();
    const bubble = page.getByTestId("note").filter({ hasText: "please approve" });
    await expect(bubble).toBeVisible();
    await expect(bubble).toContainText("You · private note");
    await expect(bubble.getByTestId("note-mention")).toHaveText("@Sam Supervisor");
    // Never sent to the customer.
    await expect(page.getByTestId("message").filter({ hasText: "please approve" })).toHaveCount(0);

    // The supervisor's bell counts it without a reload and opens the conversation from the list.
    await expect(boss.getByTestId("notification-count")).toHaveText(String(before + 1));
    await expect(boss).toHaveTitle(new RegExp(`^\\(${before + 1}\\) `));
    await boss.getByTestId("notification-bell").click();
    const item = boss.getByTestId("notification-item").first();
    await expect(item).toContainText("Alex Agent mentioned you");
    await expect(item).toContainText("Refund over 100 EUR");
    await item.click();
    await expect(boss.getByTestId("thread-title")).toHaveText(name);
    await expect(boss.getByTestId("note").filter({ hasText: "please approve" })).toBeVisible();
    if (before === 0) await expect(boss.getByTestId("notification-count")).toHaveCount(0);
  });
});

test("snoozing takes a conversation out of the open view and into Snoozed", async ({ page, request }) => {
  const name = unique("Snooze Me");
  await customerWrites(request, name, "Call me back tomorrow");
  await signInLive(page, agent.email, agent.password);
  await expect(row(page, name)).toBeVisible();
  const snoozed = await viewCount(page, "snoozed");
  await open(page, name);
  await page.getByTestId("thread").click();
  await page.keyboard.press("s");
  await expect(page.getByTestId("snooze-menu")).toBeVisible();
  await expect(page.getByTestId("snooze-hour")).toBeFocused();
  // Escape closes the menu and gives focus back to its button.
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("snooze-menu")).toHaveCount(0);
  await expect(page.getByTestId("action-snooze")).toBeFocused();
  await page.getByTestId("action-snooze").click();
  await page.getByTestId("snooze-tomorrow").click();
  await expect(row(page, name)).toHaveCount(0);
  await expect.poll(() => viewCount(page, "snoozed")).toBe(snoozed + 1);
  await expect(
    page.getByTestId("timeline-event").filter({ hasText: /^Snoozed until .* by you/ }),
  ).toBeVisible();
  await page.getByTestId("view-snoozed").click();
  await expect(row(page, name)).toBeVisible();
});

test("labels: add from the catalogue, show on the row, filter the list", async ({
  page,
  request,
  browser,
}) => {
  const labelName = unique("VIP");
  await withContext(browser, async (adminPage) => {
    await signInLive(adminPage, admin.email, admin.password);
    const created = await adminPage.request.post(`${state.baseURL}/api/v1/labels`, {
      data: { name: labelName, color: "#b91c1c" },
    });
    expect(created.status()).toBe(201);
  });
  const labelled = unique("Labelled");
  const plain = unique("Plain");
  await customerWrites(request, labelled, "VIP question");
  await customerWrites(request, plain, "Normal question");
  await signInLive(page, agent.email, agent.password);
  await open(page, labelled);
  await page.getByTestId("action-labels").click();
  await page.getByTestId("label-option").filter({ hasText: labelName }).click();
  await expect(page.getByTestId("thread-labels")).toContainText(labelName);
  await page.keyboard.press("Escape");
  await expect(row(page, labelled).getByTestId("label-chip")).toHaveText(labelName);
  await expect(
    page.getByTestId("timeline-event").filter({ hasText: `Label ${labelName} added by you` }),
  ).toBeVisible();

  await page.getByTestId("filter-label").selectOption({ label: labelName });
  await expect(row(page, labelled)).toBeVisible();
  await expect(row(page, plain)).toHaveCount(0);
  await expect(page.getByTestId("conversation-row")).toHaveCount(1);
  await page.getByTestId("filter-label").selectOption({ label: "Any label" });
  await expect(row(page, plain)).toBeVisible();
});

test("search finds a word in a message, highlights it, and Enter opens its conversation", async ({
  page,
  request,
}) => {
  const word = `zebrafinch${crypto.randomInt(1e6)}`;
  const name = unique("Search Target");
  await customerWrites(request, name, `Do you sell the ${word} cage?`);
  await signInLive(page, agent.email, agent.password);
  await expect(row(page, name)).toBeVisible();
  await page.keyboard.press("/");
  const input = page.getByTestId("search-input");
  await expect(input).toBeFocused();
  await input.pressSequentially(word);
  const hit = page.getByTestId("search-message").filter({ hasText: name });
  await expect(hit).toBeVisible();
  await expect(hit.locator("mark")).toHaveText(word);
  await input.press("Enter");
  await expect(page.getByTestId("thread-title")).toHaveText(name);
  await expect(page).toHaveURL(/[?&]c=[0-9a-f-]{36}/);
});

test("a canned response fills in the contact's first name and the agent's name", async ({
  page,
  request,
}) => {
  const name = unique("Carla Canned");
  await customerWrites(request, name, "Hello?");
  await signInLive(page, agent.email, agent.password);
  const shortcut = `hi${crypto.randomInt(1e6)}`;
  const created = await page.request.post(`${state.baseURL}/api/v1/canned-responses`, {
    data: {
      shortcut,
      title: "Greeting",
      body: "Hi {{contact.first_name}}, {{agent.name}} here.",
      scope: "personal",
    },
  });
  expect(created.status()).toBe(201);
  await open(page, name);
  const input = page.getByTestId("composer-input");
  await input.click();
  await input.pressSequentially(`/${shortcut.slice(0, 4)}`);
  await expect(page.getByTestId("canned-picker")).toBeVisible();
  await input.pressSequentially(shortcut.slice(4));
  await expect(page.getByTestId("canned-option").first()).toContainText("Greeting");
  await input.press("Enter");
  await expect(input).toHaveValue("Hi Carla, Alex Agent here.");
});

test("keyboard-only triage of five conversations: j / k, Enter, e", async ({ page, request }) => {
  const batch = crypto.randomInt(1e6);
  const names = [1, 2, 3, 4, 5].map((i) => `Triage ${batch} #${i}`);
  for (const name of names) await customerWrites(request, name, `Question from ${name}`);
  await signInLive(page, agent.email, agent.password);
  for (const name of names) await expect(row(page, name)).toBeVisible();
  // They are the newest five (WhatsApp timestamps are whole seconds, so their own order may vary).
  const rows = page.getByTestId("conversation-row");
  for (let i = 0; i < 5; i++) await expect(rows.nth(i)).toContainText(`Triage ${batch} #`);

  await page.locator("body").press("j");
  await page.keyboard.press("j");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("data-active", "true");
  const active = page.locator('[data-testid="conversation-row"][data-active]');
  const done: string[] = [];
  for (let i = 0; i < 5; i++) {
    const text = (await active.textContent()) ?? "";
    const name = names.find((n) => text.includes(n) && !done.includes(n));
    expect(name, `the highlighted row is one of the batch: ${text}`).toBeTruthy();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("thread-title")).toHaveText(name!);
    await page.keyboard.press("e");
    await expect(row(page, name!)).toHaveCount(0);
    done.push(name!);
  }
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts-help")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts-help")).toHaveCount(0);

  // All five are resolved on the server, not just hidden.
  await page.getByTestId("view-resolved").click();
  for (const name of names) await expect(row(page, name)).toBeVisible();

  // The command palette reaches the same actions.
  await page.keyboard.press("Control+k");
  await expect(page.getByTestId("command-palette")).toBeVisible();
  await page.keyboard.type("go to mine");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("view-mine")).toHaveAttribute("aria-current", "page");
});
