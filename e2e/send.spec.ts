import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The outbound side of the inbox against the real server and the simulator: the composer, optimistic
// bubbles and their ticks, attachments, the 24-hour window and the template picker.

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;
const admin = state.logins.find((l) => l.role === "admin")!;
const HOUR = 3_600_000;
// A valid 1×1 PNG: the upload route checks the type, the thread shows it from our own copy.
const PIXEL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

type SimChat = { id: string; origin: string; type: string; text?: string; contextId?: string };

async function signInLive(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
}

/** A new simulator customer with a phone, who writes `text` (backdated by `ageMs`). */
async function customerWrites(request: APIRequestContext, name: string, text: string, ageMs = 0) {
  const phone = `4477009${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  const sent = await sim<{ id: string }>(request, "POST", `/customers/${customer.id}/send`, {
    type: "text",
    text,
    ...(ageMs ? { ageMs } : {}),
  });
  return { id: customer.id, wamid: sent.id };
}

async function openConversation(page: Page, name: string) {
  await page.getByTestId("conversation-row").filter({ hasText: name }).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
}

/** As an agent finds an older conversation: the list is virtualized, so its row may not be rendered. */
async function openBySearch(page: Page, name: string) {
  await page.getByTestId("search-input").fill(name);
  await page.getByTestId("search-contact").filter({ hasText: name }).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
}

/** Runs `body` with the simulator's config changed, and puts it back whatever happens. */
async function withSimConfig(
  request: APIRequestContext,
  patch: Record<string, unknown>,
  body: () => Promise<void>,
) {
  const { config } = await sim<{ config: Record<string, unknown> }>(request, "GET", "/state");
  await sim(request, "POST", "/config", patch);
  try {
    await body();
  } finally {
    await sim(request, "POST", "/config", Object.fromEntries(Object.keys(patch).map((k) => [k, config[k]])));
  }
}

/** The demo templates are synced at start-up in demo mode; older servers need an admin to sync them. */
async function ensureTemplates(browser: Browser) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInLive(page, admin.email, admin.password);
    const list = await page.request.get(`${state.baseURL}/api/v1/templates?status=APPROVED`);
    const { data } = (await list.json()) as { data: { name: string }[] };
    if (!data.some((t) => t.name === "hello_world")) {
      const synced = await page.request.post(`${state.baseURL}/api/v1/templates/sync`);
      expect(synced.ok()).toBe(true);
    }
  } finally {
    await context.close();
  }
}

async function apiMessages(request: APIRequestContext, customerId: string) {
  return sim<SimChat[]>(request, "GET", `/customers/${customerId}/messages`);
}

test("an agent replies with text and a photo: pending at once, then sent, delivered and read", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  // Slow the simulator's receipts down so every tick is on screen long enough to be seen.
  await withSimConfig(request, { statusStepMs: 1_500 }, async () => {
    const name = `Send Customer ${crypto.randomInt(1e6)}`;
    const customer = await customerWrites(request, name, "Hi! Is my order ready?");
    await signInLive(page, agent.email, agent.password);
    await openConversation(page, name);

    const composer = page.getByTestId("composer");
    await expect(composer.getByTestId("window-countdown")).toHaveText(/^Window closes in 23 h 5\d min$/);
    await expect(composer.getByTestId("window-countdown")).toHaveAttribute("data-urgent", "false");

    // "/" focuses the composer from anywhere that is not a field.
    await page.getByTestId("thread").click();
    await page.keyboard.press("/");
    await expect(composer.getByTestId("composer-input")).toBeFocused();

    // Reply to the customer's message; Esc drops the quote, Reply brings it back.
    const question = page.getByTestId("message").filter({ hasText: "Hi! Is my order ready?" });
    await question.hover();
    await question.getByTestId("reply-action").click();
    await expect(composer.getByTestId("reply-bar")).toContainText("Hi! Is my order ready?");
    await page.keyboard.press("Escape");
    await expect(composer.getByTestId("reply-bar")).toHaveCount(0);
    await question.hover();
    await question.getByTestId("reply-action").click();
    await expect(composer.getByTestId("reply-bar")).toBeVisible();

    const input = composer.getByTestId("composer-input");
    await input.pressSequentially("Yes, it's ready 📦");
    // Shift+Enter is a new line, not a send.
    await input.press("Shift+Enter");
    await input.pressSequentially("Come by any time.");
    await expect(input).toHaveValue("Yes, it's ready 📦\nCome by any time.");
    // Typing shows the customer "typing…" (and marks their message read).
    await expect
      .poll(async () => {
        const calls = await sim<{ body?: { typing_indicator?: unknown } }[]>(
          request,
          "GET",
          "/requests?path=/messages",
        );
        return calls.some((c) => c.body?.typing_indicator);
      })
      .toBe(true);
    await input.press("Enter");
    await expect(input).toHaveValue("");
    await expect(composer.getByTestId("reply-bar")).toHaveCount(0);

    const reply = page.getByTestId("message").filter({ hasText: "Come by any time." });
    await expect(reply).toHaveCount(1);
    await expect(reply.getByTestId("quoted")).toContainText("Hi! Is my order ready?");
    const ticks = reply.getByTestId("message-status");
    await expect(ticks).toHaveAttribute("data-status", "queued");
    await expect(ticks).toHaveAttribute("data-status", "sent");
    await expect(ticks).toHaveAttribute("data-status", "delivered");
    await expect(ticks).toHaveAttribute("data-status", "read");
    await expect(reply).toHaveAttribute("data-message-id", /^[0-9a-f-]{36}$/);

    // The customer got it once, quoting their question.
    const texts = (await apiMessages(request, customer.id)).filter(
      (m) => m.origin === "api" && m.type === "text",
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).toBe("Yes, it's ready 📦\nCome by any time.");
    expect(texts[0]!.contextId).toBe(customer.wamid);

    // A photo: uploaded first, then sent with the caption typed beside it.
    await composer.getByTestId("attach-input").setInputFiles({
      name: "receipt.png",
      mimeType: "image/png",
      buffer: PIXEL_PNG,
    });
    await expect(composer.getByTestId("attachment")).toHaveAttribute("data-state", "ready");
    await input.fill("Your receipt");
    await composer.getByTestId("send-button").click();
    await expect(composer.getByTestId("attachment")).toHaveCount(0);

    const photo = page.getByTestId("message").filter({ hasText: "Your receipt" });
    await expect(photo).toHaveCount(1);
    await expect(photo.getByTestId("message-status")).toHaveAttribute("data-status", /queued|sent/);
    await expect(photo.getByTestId("message-status")).toHaveAttribute("data-status", "read", {
      timeout: 20_000,
    });
    const img = photo.locator("img");
    await expect(img).toHaveAttribute("src", /^\/api\/v1\/media\//);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(1);
    const images = (await apiMessages(request, customer.id)).filter(
      (m) => m.origin === "api" && m.type === "image",
    );
    expect(images).toHaveLength(1);
  });
});

test("outside the 24-hour window the composer is a template picker: fill, preview, send", async ({
  page,
  request,
  browser,
}) => {
  await ensureTemplates(browser);
  const name = `Old Customer ${crypto.randomInt(1e6)}`;
  const customer = await customerWrites(request, name, "Are you open on Sunday?", 25 * HOUR);
  await signInLive(page, agent.email, agent.password);
  await openBySearch(page, name);

  const composer = page.getByTestId("composer");
  await expect(composer.getByTestId("window-closed")).toContainText("The 24-hour window is closed.");
  await expect(composer.getByTestId("template-picker")).toBeVisible();
  // No free text, no attachments, no way back to them while the window is closed.
  await expect(composer.getByTestId("composer-input")).toHaveCount(0);
  await expect(composer.getByTestId("attach-button")).toHaveCount(0);
  await expect(composer.getByTestId("back-to-text")).toHaveCount(0);

  await composer.getByTestId("template-search").fill("hello");
  const option = composer.locator('[data-testid="template-option"][data-name="hello_world"]');
  await expect(composer.getByTestId("template-option")).toHaveCount(1);
  await option.click();

  const form = composer.getByTestId("template-form");
  const preview = form.getByTestId("template-preview");
  await expect(preview.getByTestId("preview-body")).toHaveText("Hello {{1}}, thanks for getting in touch.");
  await expect(form.getByTestId("template-send")).toBeDisabled();
  await form.getByLabel("Value for {{1}}", { exact: true }).fill("Maria");
  await expect(preview.getByTestId("preview-body")).toHaveText("Hello Maria, thanks for getting in touch.");
  await form.getByTestId("template-send").click();

  const sent = page.getByTestId("message").filter({ hasText: "Hello Maria, thanks for getting in touch." });
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId("message-status")).toHaveAttribute("data-status", /sent|delivered|read/);
  await expect(sent).toHaveAttribute("data-message-id", /^[0-9a-f-]{36}$/);
  // The picker is ready for another template; free text is still not offered.
  await expect(composer.getByTestId("template-picker")).toBeVisible();
  await expect(composer.getByTestId("composer-input")).toHaveCount(0);

  await expect
    .poll(async () =>
      (await apiMessages(request, customer.id)).filter((m) => m.origin === "api").map((m) => m.text),
    )
    .toEqual(["[template hello_world] Maria"]);
});

test("a send whose answer is lost is retried with the same Idempotency-Key and reaches the customer once", async ({
  page,
  request,
}) => {
  const name = `Flaky Network ${crypto.randomInt(1e6)}`;
  const customer = await customerWrites(request, name, "Hello?");
  await signInLive(page, agent.email, agent.password);
  await openConversation(page, name);

  const keys: string[] = [];
  let dropped = false;
  await page.route("**/api/v1/conversations/*/messages", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    keys.push((await route.request().headerValue("idempotency-key")) ?? "");
    if (dropped) return route.continue();
    dropped = true;
    // The server gets the message and queues it, but the browser never hears back.
    await route.fetch();
    await route.abort("connectionreset");
  });

  const input = page.getByTestId("composer-input");
  await input.fill("Sent exactly once");
  await input.press("Control+Enter");
  const bubble = page.getByTestId("message").filter({ hasText: "Sent exactly once" });
  await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", /sent|delivered|read/);
  await expect(bubble).toHaveCount(1);
  // The retry may come after the thread already shows the message (the socket nudge beat it).
  await expect.poll(() => keys.length).toBe(2);
  expect(keys[1]).toBe(keys[0]);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  const copies = (await apiMessages(request, customer.id)).filter((m) => m.text === "Sent exactly once");
  expect(copies).toHaveLength(1);
});

test("a send WhatsApp fails shows why in plain words, and a closed window offers a template", async ({
  page,
  request,
}) => {
  const name = `Failing Customer ${crypto.randomInt(1e6)}`;
  const customer = await customerWrites(request, name, "Can you call me?");
  // WhatsApp answers this customer's messages with a failed status: the window is closed on its side.
  await sim(request, "PATCH", `/customers/${customer.id}`, { statusPlan: ["failed"] });
  await withSimConfig(request, { failCode: 131047 }, async () => {
    await signInLive(page, agent.email, agent.password);
    await openConversation(page, name);
    const input = page.getByTestId("composer-input");
    await input.fill("Sure, when?");
    await input.press("Enter");

    const bubble = page.getByTestId("message").filter({ hasText: "Sure, when?" });
    await expect(bubble.getByTestId("message-status")).toHaveAttribute("data-status", "failed");
    const error = bubble.getByTestId("message-error");
    await expect(error).toContainText("The 24-hour window is closed: send a template");
    await expect(error).toContainText("only accepts an approved template");
    await expect(error.getByTestId("retry-send")).toHaveCount(0);
    await error.getByTestId("send-template-link").click();
    await expect(page.getByTestId("template-picker")).toBeVisible();
    // Our clock still says the window is open, so the agent may go back to free text.
    await page.getByTestId("back-to-text").click();
    await expect(page.getByTestId("composer-input")).toBeVisible();
  });
});
