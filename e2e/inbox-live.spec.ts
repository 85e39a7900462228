import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The open thread's live path (BENCHMARKS.md T4): a new message is fetched on its own (…/messages?after=)
// and merged in, not by refetching the thread's pages; what that cannot prove complete (a late webhook
// with an older time) reloads the thread.

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

const bubble = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

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
  const fullFetches = () => threadFetches.filter((u) => !u.includes("after=")).length;

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
