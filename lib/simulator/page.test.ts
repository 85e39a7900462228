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
});
