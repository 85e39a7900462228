import { describe, expect, it } from "vitest";
import { watchConnections, watchLoop } from "./loop-watch";

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

describe("watchConnections", () => {
  it("lets the first request on a connection count from the accept, later ones from the loop alone", async () => {
    const loop = watchLoop(2);
    const connections = watchConnections(loop);
    const socket = {};
    await new Promise((resolve) => setTimeout(resolve, 10));
    const acceptedAt = Date.now();
    connections.accepted(socket, acceptedAt);
    // The timer runs between the accept and the read of the first request, so the loop alone sees no gap.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const firstAt = Date.now();
    expect(loop.heldMs(firstAt)).toBeLessThan(20);
    expect(connections.heldMs(socket, firstAt)).toBeGreaterThanOrEqual(firstAt - acceptedAt);
    expect(connections.heldMs(socket, Date.now())).toBeLessThan(20);
    loop.stop();
  });
});
