import { existsSync, readFileSync } from "node:fs";
import { Script } from "node:vm";
import { chromium } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPair, valuesOf } from "./test-helpers";

// Same lookup as e2e/browser.ts (the simulator imports nothing from the app): CHROMIUM_PATH, Debian's, Playwright's.
const browserPath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", chromium.executablePath()].find(
  (candidate): candidate is string => !!candidate && existsSync(candidate),
);

let t: Awaited<ReturnType<typeof startPair>>;
beforeAll(async () => {
  t = await startPair();
});
afterAll(() => t.close());

describe("the page", () => {
  it("is served with its assets, and the script compiles", async () => {
    for (const [path, type] of [
      ["/", "text/html"],
      ["/app.js", "text/javascript"],
      ["/style.css", "text/css"],
    ] as const) {
      const res = await fetch(t.sim.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
    }
    expect(() => new Script(readFileSync(new URL("./page/app.js", import.meta.url), "utf8"))).not.toThrow();
  });

  // Skipped only where no Chromium is installed at all; CI installs Debian's.
  it.skipIf(!browserPath)(
    "plays a customer and the owner's phone in Chromium",
    { timeout: 30_000 },
    async () => {
      const browser = await chromium.launch({
        executablePath: browserPath,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage();
        await page.goto(t.sim.url);
        await page.getByTestId("new-customer-name").fill("Ada");
        await page.getByTestId("new-customer-phone").fill("447700900123");
        await page.getByTestId("new-customer-submit").click();
        await page.getByTestId("customer-input").fill("Hello from the customer");
        await page.getByTestId("customer-send").click();
        await page.getByTestId("owner-input").fill("Hi Ada, typed on the phone");
        await page.getByTestId("owner-send").click();
        await expect.poll(() => page.getByTestId("business-chat").getByTestId("bubble").count()).toBe(2);
        await t.idle();
        expect(valuesOf(t.receiver.received, "messages")[0]!.messages[0].text.body).toBe(
          "Hello from the customer",
        );
        expect(valuesOf(t.receiver.received, "smb_message_echoes")[0]!.message_echoes[0].text.body).toBe(
          "Hi Ada, typed on the phone",
        );
      } finally {
        await browser.close();
      }
    },
  );

  it.skipIf(!browserPath)(
    "shows the sender's ticks, plays a voice note, answers a flow, and shows errors and a disconnected number",
    { timeout: 30_000 },
    async () => {
      await t.api("POST", "/reset");
      const c = (await t.api("POST", "/customers", { name: "Bea", phone: "447700900555" })).body;
      await t.api("PATCH", `/customers/${c.id}`, { statusPlan: ["sent", "delivered"] });
      await t.api("POST", `/customers/${c.id}/send`, { type: "text", text: "hi" });
      const pnid = t.sim.state.number().phoneNumberId;
      const send = (b: object) =>
        t.graph("POST", `/${pnid}/messages`, { messaging_product: "whatsapp", to: c.phone, ...b });
      const voice = (await send({ type: "audio", audio: { link: "https://x.test/v.ogg" } })).body.messages[0]
        .id;
      const flow = (
        await send({
          type: "interactive",
          interactive: {
            type: "flow",
            body: { text: "Book" },
            action: { name: "flow", parameters: { flow_token: "tk", flow_cta: "Book now" } },
          },
        })
      ).body.messages[0].id;
      await t.idle();
      const browser = await chromium.launch({
        executablePath: browserPath,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(t.sim.url);
        const customerChat = page.getByTestId("customer-chat");
        const businessChat = page.getByTestId("business-chat");
        // ticks are the sender's: on the business side only, not on what the customer received
        await expect
          .poll(() => businessChat.locator(`[data-id="${voice}"] [data-status]`).getAttribute("data-status"))
          .toBe("delivered");
        expect(await customerChat.locator(`[data-id="${voice}"] [data-status]`).count()).toBe(0);

        await customerChat.locator(`[data-id="${voice}"]`).getByTestId("play").click();
        await expect
          .poll(() => businessChat.locator(`[data-id="${voice}"] [data-status]`).getAttribute("data-status"))
          .toBe("played");

        page.once("dialog", (d) => void d.accept('{"party": "2"}'));
        await customerChat.locator(`[data-id="${flow}"]`).getByTestId("choice").click();
        await t.idle();
        const answer = valuesOf(t.receiver.received, "messages")
          .flatMap((v) => v.messages ?? [])
          .find((m) => m.type === "interactive");
        expect(answer.context.id).toBe(flow);
        expect(JSON.parse(answer.interactive.nfm_reply.response_json)).toEqual({
          flow_token: "tk",
          party: "2",
        });

        // an error from the simulator is shown, not thrown
        await page.getByTestId("new-customer-name").fill("Dup");
        await page.getByTestId("new-customer-phone").fill(c.phone);
        await page.getByTestId("new-customer-submit").click();
        await expect.poll(() => page.getByTestId("toast").textContent()).toContain("exists");

        await page.getByTestId("btn-partner-removed").click();
        await expect.poll(() => page.getByTestId("disconnected-banner").isVisible()).toBe(true);
        expect((await send({ type: "text", text: { body: "x" } })).body.error.code).toBe(133010);
        await page.getByTestId("disconnected-banner").getByRole("button", { name: "Reconnect" }).click();
        await expect.poll(() => page.getByTestId("disconnected-banner").isVisible()).toBe(false);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
