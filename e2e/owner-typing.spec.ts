import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { signIn, sim } from "./support";

// Coexistence: the owner answers a customer from the WhatsApp Business app on the phone while an agent is
// typing a reply here. The composer warns with the owner's words and asks once more before sending, so
// the customer gets exactly the one answer the agent confirmed.

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

type SimChat = { id: string; origin: string; type: string; text?: string };

test("an echo from the owner's phone during a draft warns, and sending needs one more Enter", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const name = `Owner Typing ${crypto.randomInt(1e6)}`;
  const phone = `4477009${crypto.randomInt(10_000, 99_999)}`;
  const customer = await sim<{ id: string }>(request, "POST", "/customers", { name, phone });
  await sim(request, "POST", `/customers/${customer.id}/send`, {
    type: "text",
    text: "Do you ship to Porto?",
  });
  const apiSends = async () =>
    (await sim<SimChat[]>(request, "GET", `/customers/${customer.id}/messages`)).filter(
      (m) => m.origin === "api",
    );

  await signIn(page, agent.email, agent.password);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
  await page.getByTestId("conversation-row").filter({ hasText: name }).click();
  await expect(page.getByTestId("thread-title")).toHaveText(name);

  const composer = page.getByTestId("composer");
  const input = composer.getByTestId("composer-input");
  const warning = composer.getByTestId("owner-reply-warning");
  await input.pressSequentially("Yes, we ship to Porto in 3 days");
  await expect(warning).toHaveCount(0);

  // Meanwhile the owner answers from the phone: the echo reaches the thread and the warning shows it.
  await sim(request, "POST", "/owner/send", {
    customerId: customer.id,
    type: "text",
    text: "Sí, enviamos a Porto mañana mismo",
  });
  await expect(page.getByTestId("message").filter({ hasText: "enviamos a Porto" })).toBeVisible();
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("The owner just replied from the phone");
  await expect(composer.getByTestId("owner-reply-text")).toContainText("Sí, enviamos a Porto mañana mismo");

  // The first Enter only asks for confirmation: the draft stays and nothing goes to WhatsApp.
  await input.press("Enter");
  await expect(warning).toHaveAttribute("data-armed", "true");
  await expect(composer.getByTestId("owner-reply-confirm")).toContainText("Press Enter again");
  await expect(input).toHaveValue("Yes, we ship to Porto in 3 days");
  // The Cloud API has seen no send meanwhile (checked after the UI has settled on "armed").
  expect(await apiSends()).toEqual([]);

  // The second Enter sends the draft, once, and the warning goes away with it.
  await input.press("Enter");
  await expect(input).toHaveValue("");
  await expect(warning).toHaveCount(0);
  await expect
    .poll(async () => (await apiSends()).map((m) => m.text), { timeout: 15_000 })
    .toEqual(["Yes, we ship to Porto in 3 days"]);

  // Another echo while the composer is empty is just part of the thread: no warning.
  await sim(request, "POST", "/owner/send", { customerId: customer.id, type: "text", text: "¡Gracias!" });
  await expect(page.getByTestId("message").filter({ hasText: "¡Gracias!" })).toBeVisible();
  await expect(warning).toHaveCount(0);
  // Still exactly one send after everything has settled.
  expect(await apiSends()).toHaveLength(1);
});
