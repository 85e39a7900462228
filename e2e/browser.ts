import fs from "node:fs";
import { chromium } from "@playwright/test";

/**
 * Finds a Chromium to drive: CHROMIUM_PATH, then Debian's /usr/bin/chromium, then Playwright's own build.
 * Playwright cannot download its browser on machines without internet, so say how to get one.
 */
export function findChromium(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    safePlaywrightPath(),
  ];
  const found = candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      "No Chromium found for the e2e tests. Install one (Debian/Ubuntu: `apt-get install -y chromium`) " +
        "or set CHROMIUM_PATH to a Chromium/Chrome binary, or run `npx playwright install chromium` where internet is available.",
    );
  }
  return found;
}

// Flags for running as root in a sandboxed CI box with no outside network.
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

function safePlaywrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
