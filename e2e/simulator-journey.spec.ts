import { expect, test } from "@playwright/test";
import { readState } from "./state";

const state = readState();
const agent = state.logins.find((l) => l.email.startsWith("agent1"))!;

test("a customer played in the simulator reaches the agent's inbox live, signed like Meta", async ({
  page,
  request,
}) => {
  await page.goto(`${state.baseURL}/sign-in`);
  await page.getByLabel("Email").fill(agent.email);
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");

  const sim = `${state.simulatorURL}/sim/api`;
  const customer = await (
    await request.post(`${sim}/customers`, { data: { name: "Sim Customer", username: "sim.customer" } })
  ).json();
  const sent = await request.post(`${sim}/customers/${customer.id}/send`, {
    data: { type: "text", text: "Hola desde el simulador ¿hay stock?" },
  });
  expect(sent.ok()).toBe(true);

  const row = page.getByTestId("conversation-row").filter({ hasText: "Sim Customer" });
  await expect(row).toContainText("Hola desde el simulador ¿hay stock?");
  await row.click();
  await expect(page.getByTestId("thread")).toContainText("Hola desde el simulador ¿hay stock?");
  // No phone (username only): the thread header shows the username instead.
  // The header line and the contact panel both show the username.
  await expect(page.getByText("@sim.customer").first()).toBeVisible();

  // The owner answers from the WhatsApp Business app: the echo appears inline, marked as sent from the phone.
  const echo = await request.post(`${sim}/owner/send`, {
    data: { customerId: customer.id, type: "text", text: "Sí, quedan 3 en talla M" },
  });
  expect(echo.ok()).toBe(true);
  const fromPhone = page.getByTestId("message").filter({ hasText: "Sí, quedan 3 en talla M" });
  await expect(fromPhone).toContainText("Sent from phone");
  await expect(fromPhone.locator("[data-source]")).toHaveAttribute("data-source", "business_app");

  const deliveries = await (await request.get(`${sim}/deliveries?field=messages`)).json();
  const list = (Array.isArray(deliveries) ? deliveries : deliveries.deliveries) as {
    attempts: { status: number }[];
  }[];
  expect(list.length).toBeGreaterThan(0);
  expect(list.at(-1)!.attempts.at(-1)!.status).toBe(200);
});
