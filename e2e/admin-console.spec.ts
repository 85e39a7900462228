import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";
import { DEMO_PHONE_NUMBER_ID } from "./webhooks";

// The admin console end to end: a shared canned response an agent then uses from the composer, and a
// 1-day retention whose purge removes old messages but keeps a conversation under legal hold.
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;
const DAY = 86_400_000;

type SimChat = { id: string; origin: string; type: string; text?: string };
type Message = { text: string | null; direction: "inbound" | "outbound" };

async function signInLive(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
}

/** A new simulator customer who writes each text, backdated by its age. */
async function customerWrites(request: APIRequestContext, name: string, texts: [string, number][]) {
  const phone = `4477011${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  for (const [text, ageMs] of texts)
    await sim(request, "POST", `/customers/${customer.id}/send`, {
      type: "text",
      text,
      ...(ageMs ? { ageMs } : {}),
    });
  return customer;
}

test("an admin creates a shared canned response with a variable, and an agent sends it filled in", async ({
  browser,
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const shortcut = `thanks${crypto.randomInt(1e6)}`;
  await signInLive(page, admin.email, admin.password);
  await page.getByRole("link", { name: "Canned" }).click();
  await expect(page.getByRole("heading", { name: "Canned responses" })).toBeVisible();
  const form = page.getByRole("form", { name: "Create canned response" });
  await form.getByLabel("Shortcut").fill(shortcut);
  await form.getByLabel("Title").fill("Thanks for waiting");
  await form.getByLabel("Body").fill("Hi ");
  await form.getByRole("button", { name: "{{contact.name}}" }).click();
  await form.getByLabel("Body").press("End");
  await form.getByLabel("Body").pressSequentially(", thanks for waiting!");
  await expect(form.getByLabel("Body")).toHaveValue("Hi {{contact.name}}, thanks for waiting!");
  await expect(form.getByTestId("canned-preview")).toHaveText("Hi Maria Garcia, thanks for waiting!");
  await expect(form.getByLabel("Visible to")).toHaveValue("shared");
  await form.getByRole("button", { name: "Create response" }).click();
  const row = page.getByTestId("canned-row").filter({ hasText: `/${shortcut}` });
  await expect(row).toContainText("shared");
  await page.getByLabel("Search canned responses").fill(shortcut);
  await expect(page.getByTestId("canned-row")).toHaveCount(1);

  const name = `Canned Customer ${crypto.randomInt(1e6)}`;
  const customer = await customerWrites(request, name, [["Is anyone there?", 0]]);
  const agentPage = await (await browser.newContext()).newPage();
  await signInLive(agentPage, agent.email, agent.password);
  // An agent keeps personal responses but cannot open the admin-only pages.
  await expect(agentPage.getByRole("link", { name: "Labels" })).toHaveCount(0);
  await agentPage.goto(`${state.baseURL}/admin/integrations`);
  await expect(agentPage.getByTestId("forbidden")).toBeVisible();
  await agentPage.goto(`${state.baseURL}/inbox`);
  await agentPage.getByTestId("conversation-row").filter({ hasText: name }).click();
  await expect(agentPage.getByTestId("thread-title")).toHaveText(name);

  const input = agentPage.getByTestId("composer").getByTestId("composer-input");
  await input.pressSequentially(`/${shortcut}`);
  const option = agentPage.getByTestId("canned-option").filter({ hasText: `/${shortcut}` });
  await expect(option).toHaveCount(1);
  await option.click();
  const filled = `Hi ${name}, thanks for waiting!`;
  await expect(input).toHaveValue(filled);
  await input.press("Enter");
  await expect(input).toHaveValue("");

  await expect
    .poll(async () =>
      (await sim<SimChat[]>(request, "GET", `/customers/${customer.id}/messages`))
        .filter((m) => m.origin === "api" && m.type === "text")
        .map((m) => m.text),
    )
    .toEqual([filled]);
  await agentPage.context().close();
});

test("a 1-day retention purges old messages after the purge runs, but not a conversation under legal hold", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const tag = crypto.randomInt(1e6);
  const oldName = `Old Olive ${tag}`;
  const heldName = `Held Harry ${tag}`;
  await customerWrites(request, oldName, [
    ["ancient message", 3 * DAY],
    ["recent message", 0],
  ]);
  await customerWrites(request, heldName, [["evidence", 3 * DAY]]);

  await signInLive(page, admin.email, admin.password);
  const numbers = (await (await page.request.get(`${state.baseURL}/api/v1/numbers`)).json()) as {
    data: { id: string; phone_number_id: string; display_number: string }[];
  };
  const number = numbers.data.find((n) => n.phone_number_id === DEMO_PHONE_NUMBER_ID)!;
  const conversationOf = async (name: string) => {
    const found = await page.request.get(`${state.baseURL}/api/v1/legal-holds?q=${encodeURIComponent(name)}`);
    const { data } = (await found.json()) as { data: { conversations: { id: string }[] }[] };
    return data[0]!.conversations[0]!.id;
  };
  const texts = async (conversationId: string) => {
    const res = await page.request.get(
      `${state.baseURL}/api/v1/conversations/${conversationId}/messages?limit=50`,
    );
    // The customer's own messages only: a bot on the shared demo number may have answered them.
    return ((await res.json()) as { data: Message[] }).data
      .filter((m) => m.direction === "inbound")
      .map((m) => m.text)
      .sort();
  };
  await expect.poll(() => conversationOf(oldName).catch(() => null)).not.toBeNull();
  await expect.poll(() => conversationOf(heldName).catch(() => null)).not.toBeNull();
  const oldConversation = await conversationOf(oldName);
  const heldConversation = await conversationOf(heldName);
  await expect.poll(() => texts(oldConversation)).toEqual(["ancient message", "recent message"]);
  await expect.poll(() => texts(heldConversation)).toEqual(["evidence"]);

  try {
    await page.getByRole("link", { name: "Data", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Data", exact: true })).toBeVisible();

    // Legal hold: find Harry, hold his conversation.
    await page.getByLabel("Find a contact").fill(heldName);
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    const held = page.getByTestId("legal-hold-contact").filter({ hasText: heldName });
    await held.getByRole("button", { name: "Hold conversation" }).click();
    await expect(held.getByRole("button", { name: "Lift hold" })).toBeVisible();
    await page.getByRole("button", { name: "Show what is on hold" }).click();
    await expect(page.getByTestId("legal-hold-contact").filter({ hasText: heldName })).toBeVisible();

    // Retention: 1 day on the demo number (confirming the warning), then purge now.
    const days = page.getByLabel(`Retention days for ${number.display_number}`);
    await days.fill("1");
    page.once("dialog", (dialog) => void dialog.accept());
    const row = page.getByTestId("retention-row").filter({ has: days });
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("button", { name: "Save" })).toBeDisabled();
    await page.reload();
    await expect(page.getByLabel(`Retention days for ${number.display_number}`)).toHaveValue("1");
    await page.getByRole("button", { name: "Run purge now" }).click();
    await expect(page.getByRole("status").filter({ hasText: /Purge queued|already waiting/ })).toBeVisible();

    await expect.poll(() => texts(oldConversation), { timeout: 30_000 }).toEqual(["recent message"]);
    expect(await texts(heldConversation)).toEqual(["evidence"]);
    await page.reload();
    await expect(page.getByTestId("retention-row").filter({ hasText: number.display_number })).toContainText(
      /\d+ messages/,
    );
  } finally {
    // Other specs share the demo number: keep everything again and lift the hold.
    await page.request.put(`${state.baseURL}/api/v1/numbers/${number.id}/retention`, {
      data: { days: null },
    });
    await page.request.put(`${state.baseURL}/api/v1/conversations/${heldConversation}/legal-hold`, {
      data: { hold: false },
    });
  }
});
