import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The open thread's live path (BENCHMARKS.md T4): a new message is fetched on its own (…/messages?after=)
// and merged in, not by refetching the thread's pages; what that cannot prove complete (a late webhook
// with an older time) reloads the thread. A changed row (a tick) is re-read on its own (…/messages?ids=).

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

const bubble = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
/** A fetch of the thread's pages: neither a catch-up (after=) nor a re-read of changed rows (ids=). */
const isFullFetch = (url: string) => !url.includes("after=") && !url.includes("ids=");

test("new messages in the open thread come by catch-up, once each and in order; a late one by reload", async ({
  page,
  request,
}) => {
  const name = `Live Catch-up ${crypto.randomInt(1e6)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", {
    name,
    phone: `4477008${crypto.randomInt(10_000, 99_999)}`,
  });
  const says = (text: string, ageMs?: number) =>
    sim(request, "POST", `/customers/${customer.id}/send`, {
      type: "text",
      text,
      ...(ageMs ? { ageMs } : {}),
    });
  await says("Opening line");
  await signIn(page, agent.email, agent.password);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
  await page.getByTestId("conversation-row").filter({ hasText: name }).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
  await expect(bubble(page, "Opening line")).toBeVisible();
  const conversationId = new URL(page.url()).searchParams.get("c")!;

  const threadFetches: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes(`/api/v1/conversations/${conversationId}/messages?`)) threadFetches.push(r.url());
  });
  const catchUps = () => threadFetches.filter((u) => u.includes("after=")).length;
  const fullFetches = () => threadFetches.filter(isFullFetch).length;

  const live = ["Live one", "Live two", "Live three"];
  for (const text of live) {
    await says(text);
    await expect(bubble(page, text)).toHaveCount(1);
  }
  expect(catchUps()).toBeGreaterThanOrEqual(live.length);
  expect(fullFetches()).toBe(0);

  // Ten minutes old: it sorts before everything shown, so "after the newest" cannot find it.
  await says("Late one", 10 * 60_000);
  await expect(bubble(page, "Late one")).toHaveCount(1);
  expect(fullFetches()).toBeGreaterThan(0);
  const texts = await page.getByTestId("message").allInnerTexts();
  const order = ["Late one", "Opening line", ...live].map((text) => texts.findIndex((t) => t.includes(text)));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  for (const text of live) await expect(bubble(page, text)).toHaveCount(1);
});

test("ticks move by re-reading just the changed message: no full-thread refetch for receipts", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const { config } = await sim<{ config: { statusStepMs: number } }>(request, "GET", "/state");
  // Receipts 2 s apart: each tick is on screen long enough to be seen, and the send's own nudges (a new
  // message: the thread reloads) have settled before the first receipt.
  await sim(request, "POST", "/config", { statusStepMs: 2_000 });
  try {
    const name = `Live Ticks ${crypto.randomInt(1e6)}`;
    const customer = await sim<{ id: string }>(request, "POST", "/customers", {
      name,
      phone: `4477018${crypto.randomInt(10_000, 99_999)}`,
    });
    await sim(request, "POST", `/customers/${customer.id}/send`, {
      type: "text",
      text: "Where is my order?",
    });
    await signIn(page, agent.email, agent.password);
    await expect(page.getByTestId("connection-state")).toHaveText("● Live");
    await page.getByTestId("conversation-row").filter({ hasText: name }).click();
    await expect(page.getByTestId("thread-title")).toHaveText(name);
    await expect(bubble(page, "Where is my order?")).toBeVisible();
    const conversationId = new URL(page.url()).searchParams.get("c")!;
    const threadFetches: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes(`/api/v1/conversations/${conversationId}/messages?`)) threadFetches.push(r.url());
    });

    const input = page.getByTestId("composer").getByTestId("composer-input");
    await input.fill("On its way, arriving today");
    await input.press("Enter");
    const reply = bubble(page, "On its way, arriving today");
    await expect(reply).toHaveCount(1);
    await expect(reply).toHaveAttribute("data-message-id", /^[0-9a-f-]{36}$/);
    const ticks = reply.getByTestId("message-status");
    await expect(ticks).toHaveAttribute("data-status", "sent");
    const from = threadFetches.length;
    await expect(ticks).toHaveAttribute("data-status", "delivered");
    await expect(ticks).toHaveAttribute("data-status", "read");
    const during = threadFetches.slice(from);
    const messageId = (await reply.getAttribute("data-message-id"))!;
    expect(during.filter((u) => u.includes("ids=") && u.includes(messageId)).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(during.filter(isFullFetch)).toEqual([]);
  } finally {
    await sim(request, "POST", "/config", { statusStepMs: config.statusStepMs });
  }
});
