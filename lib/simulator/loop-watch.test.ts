import { describe, expect, it } from "vitest";
import { watchLoop } from "./loop-watch";

describe("watchLoop", () => {
  it("says a stamp taken after the loop was blocked may be late by about the block", async () => {
    const loop = watchLoop(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const blockedAt = Date.now();
    while (Date.now() - blockedAt < 50); // what a busy simulator does to an arriving request
    // No timer could run during the block, so at least its length minus one tick is unaccounted for.
    expect(loop.heldMs(Date.now())).toBeGreaterThanOrEqual(48);
    loop.stop();
  });
});
