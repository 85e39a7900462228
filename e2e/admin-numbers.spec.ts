import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readState } from "./state";
import { enrolMfa, signIn } from "./support";
import { DEMO_PHONE_NUMBER_ID, postWebhook } from "./webhooks";

// The Numbers page end to end: connect a second Coexistence number by hand, let Meta's webhooks report
// its history import and an old echo, and change its throughput and default team. The demo number is
// only looked at, so the specs that send through it keep Meta's default rate.
const state = readState();
const admin = state.logins.find((l) => l.role === "admin")!;
const DAY_S = 86_400;

function envelope(wabaId: string, phoneNumberId: string, field: string, value: Record<string, unknown>) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: wabaId,
        changes: [
          {
            field,
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550109999", phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}

const card = (page: Page, display: string) =>
  page.locator(`[data-testid="number-card"][data-number="${display}"]`);

test("an admin sees Coexistence health, history result and the 14-day warning, and changes settings that persist", async ({
  page,
  request,
}) => {
  const suffix = String(crypto.randomInt(10 ** 8, 10 ** 9));
  const wabaId = `3${suffix}01`;
  const phoneNumberId = `3${suffix}02`;
  const display = `+44 20 ${suffix}`;
  // Seeded by the demo workspace (lib/db/seed.ts); the admin belongs to no team.
  const team = "Sales";

  await signIn(page, admin.email, admin.password);
  await page.goto(`${state.baseURL}/admin/numbers`);
  // Admins must enrol MFA; when this spec is the run's first admin sign-in, the page redirects to it.
  if (new URL(page.url()).pathname.startsWith("/mfa/setup")) {
    await enrolMfa(page, admin.email);
    await page.goto(`${state.baseURL}/admin/numbers`);
  }
  await expect(page.getByRole("heading", { name: "Business numbers" })).toBeVisible();
  const cards = page.getByTestId("number-card");
  await expect(cards.first()).toBeVisible();
  // The demo number: its Coexistence link state and history import state are shown.
  const demo = cards.filter({ hasText: DEMO_PHONE_NUMBER_ID }).first();
  await expect(demo.getByTestId("coexistence-state")).toHaveText(/Connected|Disconnected|Offboarded/);
  await expect(demo.getByTestId("history-progress")).toContainText(
    /Not started|Importing|Complete|Not shared by the business/,
  );

  // Connect a number by hand; the token is accepted but never shown again.
  await page.getByLabel("WABA id").fill(wabaId);
  await page.getByLabel("Phone number id").fill(phoneNumberId);
  await page.getByLabel("Display number").fill(display);
  await page
    .getByLabel(/Access token \(stored encrypted/)
    .fill(`EAAG${crypto.randomBytes(24).toString("hex")}`);
  await page.getByRole("button", { name: "Connect number" }).click();
  const number = card(page, display);
  await expect(number).toBeVisible();
  await expect(number.getByLabel(/Access token \(stored;/)).toHaveValue("");

  // Meta reports the finished history import and an echo the owner sent from the phone 12 days ago.
  const twelveDaysAgo = Math.floor(Date.now() / 1000) - 12 * DAY_S;
  const history = envelope(wabaId, phoneNumberId, "history", {
    history: [{ metadata: { phase: 2, chunk_order: 1, progress: 100 }, threads: [] }],
  });
  const echo = envelope(wabaId, phoneNumberId, "smb_message_echoes", {
    contacts: [{ profile: { name: "Numbers Echo" }, wa_id: `44770${suffix.slice(0, 6)}` }],
    message_echoes: [
      {
        from: "15550109999",
        to: `44770${suffix.slice(0, 6)}`,
        id: `wamid.e2enumbers${crypto.randomBytes(8).toString("hex")}`,
        timestamp: String(twelveDaysAgo),
        type: "text",
        text: { body: "See you tomorrow" },
      },
    ],
  });
  expect((await postWebhook(request, state, history)).status()).toBe(200);
  expect((await postWebhook(request, state, echo)).status()).toBe(200);

  await expect(async () => {
    await page.reload();
    await expect(number.getByTestId("history-progress")).toContainText("Complete · 100%", { timeout: 1_000 });
    await expect(number.getByTestId("inactivity-warning")).toContainText("12 days ago", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(number.getByTestId("inactivity-warning")).toContainText("within 1 day(s)");
  await expect(number.getByTestId("coexistence-state")).toHaveText("Connected");

  // Throughput and default team: saved, audited server-side, and still there after a reload.
  await number.getByLabel("Throughput (messages/s)").fill("7");
  await number.getByLabel("Default team").selectOption({ label: team });
  await number.getByRole("button", { name: "Save settings" }).click();
  await expect(number.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(number.getByTestId("throughput")).toHaveText(/7 messages\/s/);
  await expect(number.getByTestId("default-team")).toContainText(team);
  await expect(number.getByLabel("Throughput (messages/s)")).toHaveValue("7");

  // A bad value is refused with the field named, and nothing changes.
  await number.getByLabel("Throughput (messages/s)").fill("5000");
  await number.getByRole("button", { name: "Save settings" }).click();
  await expect(number.getByRole("alert").filter({ hasText: "send_rate_limit" })).toBeVisible();
  await page.reload();
  await expect(number.getByTestId("throughput")).toHaveText(/7 messages\/s/);

  // Meta cuts the link for inactivity: the page says what happened and what to do, live.
  const removed = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: wabaId,
        time: Math.floor(Date.now() / 1000),
        changes: [
          {
            field: "account_update",
            value: {
              phone_number: display.replace(/\D/g, ""),
              event: "PARTNER_REMOVED",
              disconnection_info: { reason: "PRIMARY_INACTIVITY", initiated_by: "SYSTEM" },
            },
          },
        ],
      },
    ],
  });
  expect((await postWebhook(request, state, removed)).status()).toBe(200);
  await expect(number.getByTestId("coexistence-state")).toHaveText("Disconnected · PRIMARY_INACTIVITY", {
    timeout: 20_000,
  });
  await expect(number.getByTestId("link-advice")).toContainText("connect the number again");
  await expect(number.getByRole("status").filter({ hasText: "Open the app on the phone" })).toBeVisible();
  await expect(number.getByTestId("inactivity-warning")).toHaveCount(0);
});
