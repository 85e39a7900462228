import type { OutboundMessageInput } from "@/lib/messaging/schemas";

/*
 * The built-in flow bot: the contract between the flow interpreter (pure, client-safe: the admin UI runs it
 * in the browser to simulate) and the plumbing that feeds it customer messages and executes its actions.
 *
 *   stepFlow(def, state, input, { now }) → { state, actions }     lib/bots/flow/step.ts
 *   validateFlow(unknown) → { ok, flow | errors, warnings }        lib/bots/flow/validate.ts
 *   isOpen(hours, at) → boolean                                    lib/bots/business-hours.ts
 *   DEFAULT_FLOW, initialFlowState()                               lib/bots/flow/default-flow.ts, step.ts
 *   flowDefinitionSchema (zod, structure only)                     lib/bots/flow/schemas.ts
 *
 * How to drive it:
 * - A new bot session stores `initialFlowState()` (node: null). Call stepFlow once per customer message,
 *   including the first one: with `state.node === null` that message *starts* the flow (business-hours
 *   check, then the start node). There is no separate "start" input. The first message is only checked
 *   for handoff keywords ("agent" as the very first message hands off at once); it is not an answer.
 * - Persist the returned state (JSON) and execute the actions in order: `send` through the send queue,
 *   `set_field` into the session/contact context, `handoff` → conversation `open` with summary + fields,
 *   `end` → the bot session ends (what happens to the conversation is the plumbing's decision).
 * - Once `state.done` is true stepFlow returns no actions. To resume after a resolve, start again from
 *   `initialFlowState()` (optionally keeping `fields`/`language`).
 * - stepFlow never throws: unknown or unusable input (media, stickers, a tap on an old menu) → the node's
 *   retry prompt and failures+1; at `settings.maxFailures` in a row → handoff "failures". A broken
 *   definition or a state pointing at a missing node → handoff "flow".
 * - Every `send` message passes `outboundMessageInput.parse` (validateFlow checks the limits at save time;
 *   stepFlow also clamps rendered texts, since `{{fields.x}}` can grow a body).
 */

/** One text for every language, or one per language code (falls back to the first language in settings). */
export type LocalText = string | Record<string, string>;

export type FlowDefinition = {
  version: 1;
  /** The node the flow begins at (after the business-hours check). */
  start: string;
  /** Keyed by node id (`[A-Za-z0-9_-]`, ≤ 64 chars). */
  nodes: Record<string, FlowNode>;
  settings: FlowSettings;
};

export type BusinessHours = {
  /** IANA zone, e.g. "Europe/Madrid". */
  timezone: string;
  /** { mon: [["09:00","17:00"]], ... } (sun..sat); a missing day is closed; "22:00"–"02:00" runs past midnight. */
  weekly: Record<string, [string, string][]>;
  /** Closed all day ("YYYY-MM-DD", local date); a range that began the evening before still runs into it. */
  holidays: { date: string; name?: string }[];
};

export type FlowSettings = {
  /** Language codes offered, first = default (e.g. ["en", "es"]); texts given per language use these keys. */
  languages?: string[];
  /** Keywords (case/accent-insensitive, whole message) that hand off at once from anywhere, e.g. ["agent", "human"]. */
  handoffKeywords: string[];
  /** Wrong answers in a row before handing off (≥ 1). */
  maxFailures: number;
  /** Sent on a wrong answer when the node has no retry text of its own. */
  retryText?: LocalText;
  /** Sent to the customer on a handoff not made by a handoff node (keyword, failures, outside hours). */
  handoffText?: LocalText;
  /** Summary template for those handoffs; default: the reason, then the collected fields. */
  handoffSummary?: string;
  /** Optional: outside these hours the bot sends `awayMessage` first (and may hand off or end, per `outsideHours`). */
  businessHours?: BusinessHours;
  awayMessage?: LocalText;
  /** What happens after the away message; default "continue" (run the flow as usual). */
  outsideHours?: "continue" | "handoff" | "end";
};

/**
 * Nodes that wait for the customer: menu, question, faq, language. The others run at once and move on, so a
 * single step can send several messages (welcome → language buttons). Texts may use `{{fields.name}}`,
 * `{{language}}` and `{{message}}` (the customer's last text).
 */
export type FlowNode =
  MessageNode | MenuNode | QuestionNode | FaqNode | LanguageNode | ConditionNode | HandoffNode | EndNode;

type NodeBase = {
  /** Admin-facing name in the editor; never sent. */
  label?: string;
};

/** Sends a text and goes on. */
export type MessageNode = NodeBase & { type: "message"; text: LocalText; next: string };

export type MenuOption = {
  /** The reply id WhatsApp sends back (button_reply.id / list_reply.id); unique in the menu. */
  id: string;
  /** Button title ≤ 20, list row title ≤ 24 (per language). */
  title: LocalText;
  /** List rows only, ≤ 72. */
  description?: LocalText;
  /** Extra typed words that pick this option (besides the title, the id and its number "1", "2"…). */
  keywords?: string[];
  next: string;
};

/** Reply buttons (≤ 3) or a list (≤ 10 rows); waits for a choice. Picking a handoff node hands off as "menu". */
export type MenuNode = NodeBase & {
  type: "menu";
  style: "buttons" | "list";
  text: LocalText;
  /** List only: the button that opens the list (≤ 20). */
  button?: LocalText;
  /** List only: optional section title (≤ 24). */
  sectionTitle?: LocalText;
  options: MenuOption[];
  /** If set, the chosen option's id is stored in this field (usable in conditions, routing, summaries). */
  field?: string;
  retry?: LocalText;
};

export type QuestionValidation = "text" | "email" | "number" | "phone" | "pattern";

/** Asks, validates, stores the answer in `fields[field]`, goes on; a wrong answer gets `retry`. */
export type QuestionNode = NodeBase & {
  type: "question";
  text: LocalText;
  field: string;
  validation: QuestionValidation;
  /** For "pattern": a regular expression the whole answer must match (case-insensitive), e.g. "#?\\d{5,10}". */
  pattern?: string;
  retry?: LocalText;
  next: string;
};

export type FaqEntry = {
  /** Words or phrases looked for in the message (case/accent-insensitive, whole words). First entry wins. */
  keywords: string[];
  answer: LocalText;
};

/**
 * Answers questions by keyword. `text` (optional) is sent on arrival. A hit sends the answer and goes to
 * `next` (or stays, ready for another question); a miss sends `fallback` and counts as a failure.
 */
export type FaqNode = NodeBase & {
  type: "faq";
  text?: LocalText;
  entries: FaqEntry[];
  fallback: LocalText;
  next?: string;
};

/** Offers languages as buttons (≤ 3) or a list (≤ 10); the choice sets `state.language`. */
export type LanguageNode = NodeBase & {
  type: "language";
  text: LocalText;
  /** `language` is a code from settings.languages; `title` is shown as is (e.g. "Español"). */
  options: { language: string; title: string }[];
  retry?: LocalText;
  next: string;
};

export type Condition =
  | {
      kind: "field";
      field: string;
      /** equals / not_equals / contains compare case/accent-insensitively; gt / lt numerically. */
      op: "equals" | "not_equals" | "contains" | "matches" | "exists" | "missing" | "gt" | "lt";
      value?: string;
    }
  | { kind: "language"; equals: string }
  | { kind: "business_hours"; open: boolean };

/** Goes to the first rule's `next` whose condition holds, else to `else`. Runs at once. */
export type ConditionNode = NodeBase & {
  type: "condition";
  rules: { when: Condition; next: string }[];
  else: string;
};

/**
 * Hands the conversation to a person. The reason is "menu" when reached from a menu choice, "field" from a
 * field condition, "flow" otherwise. `summary` is a template ({{fields.x}}).
 */
export type HandoffNode = NodeBase & { type: "handoff"; text?: LocalText; summary: string };

export type EndNode = NodeBase & { type: "end"; text?: LocalText };

export type FlowState = {
  /** The node waiting for the customer (or the terminal node once done); null = not started yet. */
  node: string | null;
  fields: Record<string, string>;
  /** Wrong answers in a row. */
  failures: number;
  language?: string;
  done?: boolean;
};

/**
 * One inbound customer message. `text`: its text (for a button/list reply, the title tapped; null for
 * media and other types). `replyId`: button_reply.id or list_reply.id, else null. The clock is `env.now`.
 */
export type FlowInput = { kind: "message"; text: string | null; replyId: string | null };

export type HandoffReason = "menu" | "keyword" | "failures" | "field" | "outside_hours" | "flow";

export type FlowAction =
  | { type: "send"; message: OutboundMessageInput }
  | { type: "set_field"; name: string; value: string }
  | {
      type: "handoff";
      reason: HandoffReason;
      summary: string;
      fields: Record<string, string>;
      /** The chosen language, if any (routing rules by language). */
      language?: string;
    }
  | { type: "end" };

export type StepResult = { state: FlowState; actions: FlowAction[] };

export type FlowIssue = { path: string; message: string };

export type ValidateResult =
  | { ok: true; flow: FlowDefinition; warnings: FlowIssue[] }
  | { ok: false; errors: FlowIssue[]; warnings: FlowIssue[] };
