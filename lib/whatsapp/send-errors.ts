// Meta's send error codes (PROTOCOL.md §7) in plain words for agents, and how the queue reacts to each.
// Pure: the same code gives the same answer whether it came back synchronously or as a `failed` status.

export type SendErrorClass =
  | "window"
  | "throughput"
  | "pair"
  | "transient"
  | "token"
  | "account"
  | "template"
  | "recipient"
  | "marketing"
  | "permanent";

export type SendErrorInfo = {
  code: number;
  title: string;
  hint: string;
  /** The queue may retry on its own (with backoffMs); false means mark the message failed now. */
  retryable: boolean;
  /** What the agent's UI offers on the failed message. */
  action: "retry" | "template" | "reconnect" | "none";
  class: SendErrorClass;
};

type Entry = Omit<SendErrorInfo, "code">;

/** Used when there is no Meta code at all (network failure, timeout, 5xx without a body). */
export const NO_ERROR_CODE = -1;

const WINDOW: Entry = {
  class: "window",
  title: "The 24-hour window is closed: send a template",
  hint: "The customer hasn't written in the last 24 hours, so WhatsApp only accepts an approved template. Pick one to restart the conversation.",
  retryable: false,
  action: "template",
};

const TOKEN: Entry = {
  class: "token",
  title: "WhatsApp connection needs to be reconnected",
  hint: "Tandem's access to this WhatsApp number was refused. An admin needs to reconnect the number; sending is paused until then.",
  retryable: false,
  action: "reconnect",
};

const API_RATE_LIMIT: Entry = {
  class: "throughput",
  title: "WhatsApp is rate limiting us: will retry shortly",
  hint: "Too many requests to WhatsApp in a short time. The message is queued and will be sent automatically.",
  retryable: true,
  action: "retry",
};

const TRANSIENT: Entry = {
  class: "transient",
  title: "WhatsApp had a problem sending this message",
  hint: "Something went wrong on WhatsApp's side. It will be retried a few times before it is marked failed.",
  retryable: true,
  action: "retry",
};

const INVALID_PAYLOAD: Entry = {
  class: "permanent",
  title: "Message is missing something WhatsApp requires",
  hint: "WhatsApp rejected a value in this message. Edit it and send it again.",
  retryable: false,
  action: "none",
};

const TEMPLATE_STOPPED_HINT =
  "Choose another template; an admin can review this one in the templates settings.";

const ENTRIES: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  [131047, WINDOW],
  // 470 is the legacy On-Premises/BSP code for the same closed window.
  [470, WINDOW],
  [
    131026,
    {
      class: "recipient",
      title: "Message can't be delivered to this customer",
      hint: "The number may not be on WhatsApp, or the customer needs to update the app or accept WhatsApp's terms. Try reaching them another way.",
      retryable: false,
      // Retrying hits the same wall; the useful move is another channel, which the UI can't offer.
      action: "none",
    },
  ],
  [
    131051,
    {
      class: "permanent",
      title: "WhatsApp doesn't support this message type",
      hint: "This kind of message can't be sent to WhatsApp. Send it as text or as a different attachment.",
      retryable: false,
      action: "none",
    },
  ],
  [
    130429,
    {
      class: "throughput",
      title: "Sending too fast: will retry shortly",
      hint: "This number reached WhatsApp's sending speed limit. The message is queued and will go out automatically.",
      retryable: true,
      action: "retry",
    },
  ],
  [
    131056,
    {
      class: "pair",
      title: "Too many messages to this customer at once",
      hint: "WhatsApp limits how fast one customer can receive messages. It will be retried in a few seconds; other chats are unaffected.",
      retryable: true,
      action: "retry",
    },
  ],
  [
    131048,
    {
      // A quality problem for the whole number, not this customer: bulk sends must stop.
      class: "account",
      title: "Sending limited: too many messages were reported",
      hint: "Customers blocked or reported too many of this number's messages. Pause bulk sends and review what is being sent.",
      retryable: false,
      action: "none",
    },
  ],
  [
    131049,
    {
      class: "marketing",
      title: "Marketing message not delivered by WhatsApp",
      hint: "WhatsApp limits how many marketing messages one customer receives. You were not charged; don't resend it soon.",
      retryable: false,
      action: "none",
    },
  ],
  [
    131050,
    {
      class: "marketing",
      title: "Customer turned off marketing messages",
      hint: "This customer asked WhatsApp to stop marketing messages from this business. Send only service or utility messages.",
      retryable: false,
      action: "none",
    },
  ],
  [131000, TRANSIENT],
  [
    131060,
    {
      class: "permanent",
      title: "Message can only be seen on the phone",
      hint: "WhatsApp didn't pass this message to Tandem. Open the WhatsApp Business app on the phone to read it.",
      retryable: false,
      action: "none",
    },
  ],
  [
    131062,
    {
      class: "recipient",
      title: "This message needs the customer's phone number",
      hint: "Authentication templates can't be sent to a WhatsApp username. Send it to the customer's phone number instead.",
      retryable: false,
      action: "none",
    },
  ],
  [
    132000,
    templateEntry(
      "Template values don't match the template",
      "The number of values filled in doesn't match the template's placeholders. Check the template and send it again.",
    ),
  ],
  [
    132001,
    templateEntry(
      "Template not found or not approved",
      "WhatsApp doesn't have this template in this language, or it isn't approved yet. Re-sync templates or choose another one.",
    ),
  ],
  [
    132005,
    templateEntry(
      "Template text too long with these values",
      "With the values filled in, the template text is over WhatsApp's limit. Shorten the values and send it again.",
    ),
  ],
  [
    132007,
    templateEntry(
      "Template content breaks WhatsApp's formatting rules",
      "WhatsApp rejected the template's characters or formatting. Choose another template or ask an admin to fix this one.",
    ),
  ],
  [
    132012,
    templateEntry(
      "Template values are in the wrong format",
      "The values were given by position for a template that uses names, or the other way round. Fill in the template again.",
    ),
  ],
  [
    132015,
    templateEntry(
      "Template paused by WhatsApp",
      `It had poor feedback from customers. ${TEMPLATE_STOPPED_HINT}`,
    ),
  ],
  [
    132016,
    templateEntry(
      "Template disabled by WhatsApp",
      `It was paused too often and can no longer be used. ${TEMPLATE_STOPPED_HINT}`,
    ),
  ],
  [
    368,
    accountEntry(
      "Account temporarily blocked for policy violations",
      "WhatsApp has temporarily blocked this number from sending. An admin should check WhatsApp Manager for details.",
    ),
  ],
  [
    131031,
    accountEntry(
      "WhatsApp Business account locked",
      "WhatsApp locked this account, so nothing can be sent. An admin should check WhatsApp Manager.",
    ),
  ],
  [
    131042,
    accountEntry(
      "Billing problem with the WhatsApp account",
      "WhatsApp refused the message because of a payment or eligibility problem. An admin should check the payment method in WhatsApp Manager.",
    ),
  ],
  [
    190,
    {
      ...TOKEN,
      title: "WhatsApp connection expired: reconnect",
      hint: "The access token for this number has expired or was revoked. An admin needs to reconnect the number; sending is paused until then.",
    },
  ],
  [0, TOKEN],
  [10, TOKEN],
  [4, API_RATE_LIMIT],
  [80007, API_RATE_LIMIT],
  [
    133010,
    {
      class: "account",
      title: "This number isn't registered with WhatsApp",
      hint: "The phone number hasn't finished WhatsApp registration. An admin needs to complete the connection.",
      retryable: false,
      // Registering the number is part of the connect flow.
      action: "reconnect",
    },
  ],
  [
    2593109,
    {
      class: "permanent",
      title: "Chat history sharing was declined",
      hint: "Older chats from the WhatsApp Business app won't be imported. New messages still arrive as usual.",
      retryable: false,
      action: "none",
    },
  ],
  // Beyond §7: common Graph codes whose meaning is clear enough to beat the generic fallback.
  [1, TRANSIENT],
  [2, TRANSIENT],
  [131016, TRANSIENT],
  [17, API_RATE_LIMIT],
  [341, API_RATE_LIMIT],
  [
    100,
    {
      class: "permanent",
      title: "WhatsApp rejected the message",
      hint: "Something in the message isn't accepted by WhatsApp. Edit it and send it again.",
      retryable: false,
      action: "none",
    },
  ],
  [131008, INVALID_PAYLOAD],
  [131009, INVALID_PAYLOAD],
  [
    131052,
    {
      class: "permanent",
      title: "WhatsApp couldn't fetch the attachment",
      hint: "The file couldn't be downloaded by WhatsApp. Attach it again and resend.",
      retryable: false,
      action: "none",
    },
  ],
  [
    131053,
    {
      class: "permanent",
      title: "WhatsApp couldn't process the attachment",
      hint: "The file type or size isn't supported by WhatsApp. Try a different file format.",
      retryable: false,
      action: "none",
    },
  ],
]);

/** Every code describeSendError knows; anything else gets the limited-retry fallback. */
export const SEND_ERROR_CODES: number[] = [...ENTRIES.keys(), ...range(200, 299)].sort((a, b) => a - b);

export function describeSendError(code: number | null | undefined, subcode?: number | null): SendErrorInfo {
  if (code === null || code === undefined || !Number.isInteger(code)) {
    return {
      code: NO_ERROR_CODE,
      class: "transient",
      title: "Couldn't reach WhatsApp",
      hint: "The message didn't get an answer from WhatsApp. It will be retried a few times before it is marked failed.",
      retryable: true,
      action: "retry",
    };
  }
  // (#100) with subcode 33: the number's id isn't visible to our token, i.e. a lost permission.
  if (code === 100 && subcode === 33) return { code, ...TOKEN };
  const entry = ENTRIES.get(code) ?? (code >= 200 && code <= 299 ? TOKEN : undefined);
  if (entry) return { code, ...entry };
  return {
    code,
    class: "transient",
    title: `Message failed (WhatsApp error ${code})`,
    hint: "WhatsApp returned an error Tandem doesn't recognise. It will be retried a few times before it is marked failed.",
    // Unknown may be temporary; retryLimit keeps the cost of a wrong guess small.
    retryable: true,
    action: "retry",
  };
}

const SECOND = 1000;
const MIN_DELAY_MS = SECOND;
const MAX_DELAY_MS = 5 * 60 * SECOND;

const SCHEDULES: Partial<Record<SendErrorClass, { base: number; floor: number; limit: number }>> = {
  throughput: { base: 1.5 * SECOND, floor: MIN_DELAY_MS, limit: 10 },
  // WhatsApp allows about one message per 6 s to the same user: anything sooner fails again.
  pair: { base: 6 * SECOND, floor: 6 * SECOND, limit: 6 },
  transient: { base: 2 * SECOND, floor: MIN_DELAY_MS, limit: 4 },
};

/**
 * Delay before the next automatic attempt. `attempt` counts attempts already made (1 after the first
 * failure). Full jitter between the class floor and base·2^(attempt-1), capped at 5 minutes; never under 1 s.
 */
export function backoffMs(cls: SendErrorClass, attempt: number, random: () => number = Math.random): number {
  const schedule = SCHEDULES[cls];
  // Non-retryable classes should never be retried automatically; if one is, make it slow, not a loop.
  if (!schedule) return MAX_DELAY_MS;
  const step = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  const ceiling = Math.min(MAX_DELAY_MS, schedule.base * 2 ** Math.min(step - 1, 30));
  const floor = Math.min(schedule.floor, ceiling);
  const r = Math.min(1, Math.max(0, random()));
  const delay = Math.round(floor + r * (ceiling - floor));
  return Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, delay));
}

/** How many automatic retries a class gets before the message is marked failed (0: none). */
export function retryLimit(cls: SendErrorClass): number {
  return SCHEDULES[cls]?.limit ?? 0;
}

function templateEntry(title: string, hint: string): Entry {
  return { class: "template", title, hint, retryable: false, action: "template" };
}

function accountEntry(title: string, hint: string): Entry {
  return { class: "account", title, hint, retryable: false, action: "none" };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
