import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { DEFAULT_FLOW } from "../lib/bots/flow/default-flow";
import { readState } from "./state";
import { signIn, sim } from "./support";

// The bot journeys against the real server and the simulator: the built-in flow bot greets, the customer
// asks for a person and an agent takes over with the bot's findings; the owner answering from the phone
// stops the bot. The demo number gets a flow bot for this file only (switched off afterwards, so the
// other specs keep seeing customers land straight in the queue).

const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;
const DEMO_NUMBER = "+1 555 010 0001";

type ChatMessage = {
  origin: "customer" | "api" | "business_app" | "history";
  type: string;
  text?: string;
  choices?: { kind: "button_reply" | "list_reply"; id: string; title: string }[];
};

let adminPage: Page;
let numberId = "";

// Bot messages to one customer are paced 6 s apart (Meta's pair rate), so a journey takes a while.
test.describe.configure({ timeout: 120_000 });

test.beforeAll(async ({ browser }) => {
  adminPage = await newPage(browser);
  await signIn(adminPage, admin.email, admin.password);
  numberId = await turnOnFlowBot(adminPage);
});

test.afterAll(async () => {
  if (numberId) await putBot(adminPage, numberId, { active: false });
  await adminPage?.context().close();
});

test("a customer asks the bot for a person; the team's agent takes it with the bot's findings and answers", async ({
  page,
  request,
}) => {
  const name = unique("Bot Journey");
  const customer = await customerWrites(request, name, "Hi");

  // The bot greets with the language menu, then the main menu; the customer taps their way to a person.
  await tap(request, customer.id, "English");
  await tap(request, customer.id, "Talk to a person");
  await expect
    .poll(
      async () => (await chat(request, customer.id)).some((m) => m.text?.includes("passing you to a person")),
      { timeout: 30_000 },
    )
    .toBe(true);

  // The conversation is in Support's queue (the number's default team), unassigned, with the handoff.
  await signIn(page, agent.email, agent.password);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
  const row = page.getByTestId("conversation-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await row.click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);
  await expect(page.getByTestId("timeline-event").and(page.locator('[data-type="handoff"]'))).toBeVisible();
  // The bot's own messages are in the thread for the agent to read back.
  await expect(page.getByTestId("message").filter({ hasText: "How can we help you today?" })).toBeVisible();

  const conversation = await conversationOf(page, name);
  expect(conversation).toMatchObject({ status: "open", assignee_id: null });
  const events = await page.request.get(`${state.baseURL}/api/v1/conversations/${conversation.id}/events`);
  const handoff = (
    (await events.json()) as { data: { type: string; data: Record<string, unknown> }[] }
  ).data.find((e) => e.type === "handoff");
  expect(handoff?.data).toMatchObject({
    summary: "Asked to talk to a person (topic: agent).",
    fields: { topic: "agent" },
  });

  // The agent takes it and answers; the customer's phone gets the answer.
  await page.getByTestId("action-assign").click();
  await page.getByTestId("assign-me").click();
  await expect(page.getByTestId("action-assign")).toHaveText("Assigned to you");
  const input = page.getByTestId("composer").getByTestId("composer-input");
  await input.fill("Hi, Alex here. How can I help?");
  await input.press("Enter");
  await expect(page.getByTestId("message").filter({ hasText: "Alex here" })).toBeVisible();
  await expect
    .poll(
      async () =>
        (await chat(request, customer.id)).some(
          (m) => m.origin === "api" && m.text === "Hi, Alex here. How can I help?",
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
});

test("the owner answering from the phone stops the bot, and the thread says why", async ({ request }) => {
  const name = unique("Owner Steps In");
  const customer = await customerWrites(request, name, "Hello?");
  await waitForChoice(request, customer.id, "English");

  await sim(request, "POST", "/owner/send", {
    customerId: customer.id,
    type: "text",
    text: "Hi, it's the owner, I'll help you myself",
  });
  await adminPage.goto(`${state.baseURL}/inbox?view=all`);
  const row = adminPage.getByTestId("conversation-row").filter({ hasText: name });
  await expect(row).toBeVisible();
  await row.click();
  const paused = adminPage.getByTestId("timeline-event").and(adminPage.locator('[data-type="bot_paused"]'));
  await expect(paused).toContainText("Bot paused: The owner answered from the WhatsApp Business app");
  const conversation = await conversationOf(adminPage, name);
  expect(conversation.status).toBe("open");

  // The customer writes again: the message reaches the thread, and the bot stays quiet (it would have
  // answered a text that is no language with "Sorry, I didn't get that.").
  const botMessages = (await chat(request, customer.id)).filter((m) => m.origin === "api").length;
  await sim(request, "POST", `/customers/${customer.id}/send`, {
    type: "text",
    text: "Thanks, waiting for you",
  });
  await expect(adminPage.getByTestId("message").filter({ hasText: "Thanks, waiting for you" })).toBeVisible();
  // The bot's job runs within milliseconds of the message and writes its answer at once (sending it may
  // wait for Meta's pair rate), so after a few seconds an answer would be among the thread's messages.
  await adminPage.waitForTimeout(3_000);
  const messages = await adminPage.request.get(
    `${state.baseURL}/api/v1/conversations/${conversation.id}/messages?limit=100`,
  );
  const sources = ((await messages.json()) as { data: { source: string }[] }).data.map((m) => m.source);
  expect(sources.filter((s) => s === "bot")).toHaveLength(1);
  expect((await chat(request, customer.id)).filter((m) => m.origin === "api")).toHaveLength(botMessages);
});

async function turnOnFlowBot(page: Page): Promise<string> {
  const bots = await page.request.get(`${state.baseURL}/api/v1/bots`);
  expect(bots.ok()).toBe(true);
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
    data: { name: "Journey bot", kind: "flow", ...patch },
  });
  expect(res.ok(), await res.text()).toBe(true);
}

async function customerWrites(request: APIRequestContext, name: string, text: string) {
  const phone = `4477009${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  await sim(request, "POST", `/customers/${customer.id}/send`, { type: "text", text });
  return customer;
}

function chat(request: APIRequestContext, customerId: string) {
  return sim<ChatMessage[]>(request, "GET", `/customers/${customerId}/messages`);
}

/** Waits for the bot to offer a button or list row with this title. */
async function waitForChoice(request: APIRequestContext, customerId: string, title: string) {
  let found: NonNullable<ChatMessage["choices"]>[number] | undefined;
  await expect
    .poll(
      async () => {
        const messages = await chat(request, customerId);
        found = messages.flatMap((m) => m.choices ?? []).findLast((c) => c.title === title);
        return Boolean(found);
      },
      { message: `the bot offers "${title}"`, timeout: 30_000 },
    )
    .toBe(true);
  return found!;
}

async function tapChoice(request: APIRequestContext, customerId: string, title: string) {
  const choice = (await chat(request, customerId))
    .flatMap((m) => m.choices ?? [])
    .findLast((c) => c.title === title);
  expect(choice, title).toBeDefined();
  await sim(request, "POST", `/customers/${customerId}/send`, {
    type: choice!.kind,
    id: choice!.id,
    title: choice!.title,
  });
}

async function tap(request: APIRequestContext, customerId: string, title: string) {
  await waitForChoice(request, customerId, title);
  await tapChoice(request, customerId, title);
}

async function conversationOf(page: Page, name: string) {
  const res = await page.request.get(`${state.baseURL}/api/v1/conversations?limit=200`);
  const list = (await res.json()) as {
    data: {
      id: string;
      status: string;
      team_id: string | null;
      assignee_id: string | null;
      contact: { name: string };
    }[];
  };
  const found = list.data.find((c) => c.contact.name === name);
  expect(found, name).toBeDefined();
  return found!;
}

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

const unique = (prefix: string) => `${prefix} ${crypto.randomInt(1e6)}`;
