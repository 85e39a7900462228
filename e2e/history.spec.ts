import { expect, test } from "@playwright/test";
import { readState } from "./state";
import { signIn } from "./support";

const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;

test("an admin watches the history import progress live, and imported chats stay out of the open queue", async ({
  page,
  request,
}) => {
  const sim = `${state.simulatorURL}/sim/api`;
  for (const name of ["Hist One", "Hist Two", "Hist Three"]) {
    expect(
      (
        await request.post(`${sim}/customers`, {
          data: { name, phone: `4420700${Math.floor(Math.random() * 1e6)}` },
        })
      ).ok(),
    ).toBe(true);
  }
  await signIn(page, admin.email, admin.password);
  await expect(page.getByTestId("connection-state")).toHaveText("● Live");
  await page.getByRole("link", { name: "Numbers" }).click();
  const progress = page.getByTestId("history-progress").first();
  await expect(progress).toContainText("Not started");

  const run = await request.post(`${sim}/history`, {
    data: { days: 120, messagesPerThread: 6, threadsPerChunk: 2 },
  });
  expect(run.ok()).toBe(true);
  // No reload: the number.changed nudge refetches the panel as chunks are applied.
  await expect(progress).toContainText("Complete · 100%", { timeout: 20_000 });
  await expect(progress).toContainText(/\d+ messages in \d+ threads/);

  const res = await request.get(`${state.baseURL}/api/v1/conversations?status=open&limit=200`, {
    headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
  });
  const open = (await res.json()) as { data: { contact: { name: string } }[] };
  expect(open.data.map((c) => c.contact.name)).not.toContain("Hist One");
});
