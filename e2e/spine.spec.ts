import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { signIn } from "./support";
import { postWebhook, textMessageWebhook } from "./webhooks";

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

test("a webhook's new conversation and message appear live in the signed-in agent's inbox", async ({
  page,
  request,
}) => {
  await signIn(page, agent.email, agent.password);
  await expect(page).toHaveURL(/\/inbox/);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
  await expect(page.getByTestId("conversation-row").first()).toBeVisible();

  const response = await postWebhook(
    request,
    state,
    textMessageWebhook({
      name: "Zoe Live",
      phone: "447700900555",
      bsuid: "GB.5550001112223334",
      text: "Is anyone there? ✨",
    }),
  );
  expect(response.status()).toBe(200);

  // No reload: the socket nudge makes TanStack Query refetch the list.
  const row = page.getByTestId("conversation-row").filter({ hasText: "Zoe Live" });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Is anyone there? ✨");
  // One row for the new conversation; not a total count, which other specs' conversations (and the
  // virtualized list's window) change.
  await expect(row).toHaveCount(1);

  await row.click();
  await expect(page.getByTestId("thread-title")).toHaveText("Zoe Live");
  await expect(page.getByTestId("thread")).toContainText("Is anyone there? ✨");

  // A second message lands in the open thread, also without reload, and a duplicate delivery adds nothing.
  const follow = textMessageWebhook({
    name: "Zoe Live",
    phone: "447700900555",
    bsuid: "GB.5550001112223334",
    text: "Hello again",
  });
  expect((await postWebhook(request, state, follow)).status()).toBe(200);
  expect((await postWebhook(request, state, follow)).status()).toBe(200);
  await expect(page.getByTestId("thread")).toContainText("Hello again");
  await page.waitForTimeout(1_500);
  await expect(page.getByTestId("message").filter({ hasText: "Hello again" })).toHaveCount(1);
});

test("wrong email and wrong password get the same generic error", async ({ page }) => {
  await signIn(page, "nobody@tandem.example", "whatever-password-123");
  // Next adds an empty role=alert route announcer, hence the test id.
  const unknownUser = await page.getByTestId("sign-in-error").textContent();
  await signIn(page, agent.email, "wrong-password-123456");
  const wrongPassword = await page.getByTestId("sign-in-error").textContent();
  expect(unknownUser).toBe("Email or password is incorrect.");
  expect(wrongPassword).toBe(unknownUser);
  await expect(page).toHaveURL(/sign-in/);
});

test("the inbox and the API require a session", async ({ page, request }) => {
  await page.goto(`${state.baseURL}/inbox`);
  await expect(page).toHaveURL(/sign-in/);
  const api = await request.get(`${state.baseURL}/api/v1/conversations`);
  expect(api.status()).toBe(401);
  expect(await api.json()).toEqual({ error: { code: "unauthenticated", message: "Sign in to continue" } });
});

test("webhook endpoint: handshake, signatures, size cap; health contract", async ({ request }) => {
  const challenge = await request.get(
    `${state.baseURL}/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${state.verifyToken}&hub.challenge=12345`,
  );
  expect(challenge.status()).toBe(200);
  expect(await challenge.text()).toBe("12345");
  const wrongToken = await request.get(
    `${state.baseURL}/api/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
  );
  expect(wrongToken.status()).toBe(403);

  const body = textMessageWebhook({ name: "Mallory", bsuid: "US.999", text: "forged" });
  expect((await postWebhook(request, state, body, "not-the-secret")).status()).toBe(401);
  const unsigned = await request.post(`${state.baseURL}/api/webhooks/whatsapp`, { data: body });
  expect(unsigned.status()).toBe(401);
  const huge = "x".repeat(3 * 1024 * 1024 + 10);
  expect((await postWebhook(request, state, huge)).status()).toBe(413);

  const health = await request.get(`${state.baseURL}/api/health`);
  expect(health.status()).toBe(200);
  const json = await health.json();
  expect(json).toMatchObject({ ok: true, db: "up" });
  expect(typeof json.jobs.lag_ms).toBe("number");
});
