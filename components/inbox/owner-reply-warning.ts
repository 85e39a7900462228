import type { MessageDto } from "@/lib/conversations/schemas";

// Coexistence: the owner can answer a customer from the WhatsApp Business app on the phone while an agent
// is typing here. An echo (source business_app) that arrives during a draft is shown above the composer,
// and the next send needs one extra confirmation, so the customer does not get two answers by accident.

export type OwnerReplyMessage = Pick<MessageDto, "id" | "source" | "timestamp">;

export type OwnerReplyState<M extends OwnerReplyMessage = OwnerReplyMessage> = {
  /** Ids of the messages already seen; null until the thread's first data (which is the baseline). */
  known: ReadonlySet<string> | null;
  /** The oldest message seen: anything older is an older page being loaded, not a new arrival. */
  oldest: string | null;
  /** The latest echo that arrived while a draft was open, until the draft is emptied or it is dismissed. */
  warning: M | null;
  /** The agent tried to send once despite the warning: the next attempt sends. */
  armed: boolean;
};

export function initialOwnerReply<M extends OwnerReplyMessage>(): OwnerReplyState<M> {
  return { known: null, oldest: null, warning: null, armed: false };
}

/**
 * The thread's messages changed (a refetch after a nudge, an older page, a send settling). An echo that is
 * new since the last look warns when the draft is not empty; the first look only records what is there.
 */
export function observeMessages<M extends OwnerReplyMessage>(
  state: OwnerReplyState<M>,
  messages: readonly M[],
  draft: string,
): OwnerReplyState<M> {
  if (messages.length === 0) return state.known === null ? { ...state, known: new Set() } : state;
  const known = new Set(state.known ?? []);
  let oldest = state.oldest;
  let echo: M | null = null;
  for (const message of messages) {
    if (known.has(message.id)) continue;
    known.add(message.id);
    const arrived = state.known !== null && (oldest === null || time(message.timestamp) >= time(oldest));
    if (
      arrived &&
      message.source === "business_app" &&
      (!echo || time(message.timestamp) >= time(echo.timestamp))
    )
      echo = message;
  }
  for (const message of messages)
    if (oldest === null || time(message.timestamp) < time(oldest)) oldest = message.timestamp;
  if (echo && draft.trim()) return { known, oldest, warning: echo, armed: false };
  if (known.size === state.known?.size && oldest === state.oldest) return state;
  return { ...state, known, oldest };
}

/** The draft changed: emptied (or sent) clears the warning. */
export function draftChanged<M extends OwnerReplyMessage>(
  state: OwnerReplyState<M>,
  draft: string,
): OwnerReplyState<M> {
  if (draft.trim() || (!state.warning && !state.armed)) return state;
  return { ...state, warning: null, armed: false };
}

/** "Dismiss": the agent has read it, so sending goes through normally again. */
export function dismissOwnerReply<M extends OwnerReplyMessage>(
  state: OwnerReplyState<M>,
): OwnerReplyState<M> {
  return state.warning ? { ...state, warning: null, armed: false } : state;
}

/**
 * Enter or Send: without a warning (or once already asked) it sends; with a fresh warning the first attempt
 * only asks for confirmation.
 */
export function attemptSend<M extends OwnerReplyMessage>(
  state: OwnerReplyState<M>,
): { send: boolean; state: OwnerReplyState<M> } {
  if (!state.warning) return { send: true, state };
  if (state.armed) return { send: true, state: { ...state, warning: null, armed: false } };
  return { send: false, state: { ...state, armed: true } };
}

function time(iso: string): number {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
}
