import { describe, expect, it } from "vitest";
import {
  attemptSend,
  dismissOwnerReply,
  draftChanged,
  initialOwnerReply,
  observeMessages,
  type OwnerReplyMessage,
} from "./owner-reply-warning";

const msg = (id: string, source: OwnerReplyMessage["source"], minute: number): OwnerReplyMessage => ({
  id,
  source,
  timestamp: new Date(Date.UTC(2026, 10, 23, 10, minute)).toISOString(),
});

const customer = msg("m1", "customer", 10);
const echo = msg("m2", "business_app", 12);

describe("owner reply warning", () => {
  it("warns about an echo that arrives while a draft is open, and asks once more before sending", () => {
    let state = observeMessages(initialOwnerReply(), [customer], "");
    state = observeMessages(state, [echo, customer], "Sure, I can help");
    expect(state.warning).toEqual(echo);

    const first = attemptSend(state);
    expect(first.send).toBe(false);
    expect(first.state.armed).toBe(true);
    const second = attemptSend(first.state);
    expect(second.send).toBe(true);
    expect(second.state.warning).toBeNull();
  });

  it("does not warn without a draft, for echoes already there, or for older pages", () => {
    // The first data is the baseline, even with an echo in it and a draft kept from before.
    let state = observeMessages(initialOwnerReply(), [echo, customer], "draft");
    expect(state.warning).toBeNull();
    // An echo that arrives while the composer is empty is simply part of the thread.
    state = observeMessages(state, [msg("m3", "business_app", 13), echo, customer], "");
    expect(state.warning).toBeNull();
    // Scrolling up loads an older echo: not a new arrival.
    state = observeMessages(
      state,
      [msg("m3", "business_app", 13), echo, customer, msg("m0", "business_app", 1)],
      "draft",
    );
    expect(state.warning).toBeNull();
    // The agent's own send settling is not the owner.
    state = observeMessages(state, [msg("m4", "agent", 14)], "draft");
    expect(state.warning).toBeNull();
    expect(attemptSend(state).send).toBe(true);
  });

  it("clears when the draft is emptied or the warning dismissed; a newer echo asks again", () => {
    const base = observeMessages(initialOwnerReply(), [customer], "");
    const warned = observeMessages(base, [echo, customer], "hello");
    expect(draftChanged(warned, "hello again").warning).toEqual(echo);
    expect(draftChanged(warned, "  ").warning).toBeNull();
    expect(dismissOwnerReply(warned).warning).toBeNull();
    expect(attemptSend(dismissOwnerReply(warned)).send).toBe(true);

    // Armed, then the owner writes again: the new echo needs reading first.
    const armed = attemptSend(warned).state;
    const later = msg("m5", "business_app", 20);
    const again = observeMessages(armed, [later, echo, customer], "hello");
    expect(again.warning).toEqual(later);
    expect(attemptSend(again).send).toBe(false);
  });

  it("takes an empty first page as the baseline, so the first echo of a new thread still warns", () => {
    const state = observeMessages(initialOwnerReply(), [], "");
    expect(observeMessages(state, [echo], "typing").warning).toEqual(echo);
  });
});
