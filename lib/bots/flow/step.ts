import { isOpen } from "../business-hours";
import { languageReplyId, nodeMessages, textMessage, type RenderContext } from "./messages";
import { containsWords, defaultLanguage, normalize, render, variants } from "./text";
import type {
  Condition,
  FlowAction,
  FlowDefinition,
  FlowInput,
  FlowNode,
  FlowState,
  HandoffReason,
  LanguageNode,
  LocalText,
  MenuNode,
  MenuOption,
  QuestionNode,
  StepResult,
} from "./types";

// The flow interpreter: one customer message in, the new state and the actions to run out. Pure and
// deterministic given env.now; never throws (see the contract in ./types.ts).

// Steps that run without waiting (message, condition) are followed at most this many times per input, so a
// loop of them (validateFlow rejects those) hands off instead of spinning.
const MAX_HOPS = 50;

const PATTERN_INPUT_MAX = 200;

const DEFAULT_RETRY: LocalText = {
  en: "Sorry, I didn't get that.",
  es: "Perdón, no te entendí.",
  pt: "Desculpe, não entendi.",
  fr: "Désolé, je n'ai pas compris.",
};

const REASON_SUMMARY: Record<HandoffReason, string> = {
  menu: "Asked for a person from the menu.",
  keyword: 'Asked for a person ("{{message}}").',
  failures: "The bot could not understand the customer's answers.",
  field: "Handed off on a collected answer.",
  outside_hours: "Wrote outside business hours.",
  flow: "Handed off by the flow.",
};

export function initialFlowState(): FlowState {
  return { node: null, fields: {}, failures: 0 };
}

export function stepFlow(
  def: FlowDefinition,
  state: FlowState,
  input: FlowInput,
  env: { now: Date },
): StepResult {
  if (state.done) return { state, actions: [] };
  const run = new Run(def, state, input, env.now);
  try {
    run.step();
  } catch {
    // A definition that slipped past validation must still not leave the customer talking to a wall.
    run.abort();
  }
  return { state: run.state, actions: run.actions };
}

type Via = "menu" | "field" | "flow";

class Run {
  readonly state: FlowState;
  actions: FlowAction[] = [];

  constructor(
    private readonly def: FlowDefinition,
    state: FlowState,
    private readonly input: FlowInput,
    private readonly now: Date,
  ) {
    this.state = { ...state, fields: { ...state.fields } };
  }

  step(): void {
    const { settings } = this.def;
    const text = this.input.text ?? "";
    if (text && settings.handoffKeywords.some((k) => normalize(k) !== "" && normalize(k) === normalize(text)))
      return this.handoff("keyword");
    if (this.state.node === null) return this.start();
    const node = this.def.nodes[this.state.node];
    if (!node) return this.handoff("flow", "The flow changed under the conversation: its step is gone.");
    switch (node.type) {
      case "menu":
        return this.answerMenu(node);
      case "question":
        return this.answerQuestion(node);
      case "language":
        return this.answerLanguage(node);
      case "faq": {
        const entry = node.entries.find((e) => e.keywords.some((k) => containsWords(text, k)));
        if (!entry) return this.fail(node, node.fallback);
        this.state.failures = 0;
        this.say(entry.answer);
        if (node.next) this.enter(node.next, "flow");
        return;
      }
      default:
        // Only waiting nodes are stored; anything else means the state was written by hand. Carry on from it.
        return this.enter(this.state.node, "flow");
    }
  }

  /** Stops on a broken definition: a clean handoff with what was collected, nothing half-sent. */
  abort(): void {
    this.actions = [];
    this.handoff("flow", "The bot hit an error in its flow.");
  }

  private start(): void {
    const { settings } = this.def;
    if (settings.businessHours && !safeIsOpen(settings.businessHours, this.now)) {
      const away = this.say(settings.awayMessage);
      const then = settings.outsideHours ?? "continue";
      if (then === "handoff") return this.handoff("outside_hours", undefined, !away);
      if (then === "end") return this.end();
    }
    this.enter(this.def.start, "flow");
  }

  /** Walks from a node through the ones that don't wait, sending as it goes, until one waits or ends. */
  private enter(id: string, via: Via): void {
    let nodeId = id;
    let how = via;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const node = this.def.nodes[nodeId];
      if (!node) return this.handoff("flow", `The flow points to a missing step ("${nodeId}").`);
      switch (node.type) {
        case "message":
          this.send(node);
          nodeId = node.next;
          continue;
        case "condition": {
          const rule = node.rules.find((r) => this.holds(r.when));
          if (rule?.when.kind === "field") how = "field";
          nodeId = rule ? rule.next : node.else;
          continue;
        }
        case "handoff":
          this.state.node = nodeId;
          this.send(node);
          return this.handoff(how, node.summary, false);
        case "end":
          this.state.node = nodeId;
          this.send(node);
          return this.end();
        default:
          this.state.node = nodeId;
          this.send(node);
          return;
      }
    }
    this.handoff("flow", "The flow went round in circles.");
  }

  private answerMenu(node: MenuNode): void {
    const option = matchOption(node.options, this.input);
    if (!option) return this.fail(node, node.retry);
    this.state.failures = 0;
    if (node.field) this.setField(node.field, option.id);
    this.enter(option.next, "menu");
  }

  private answerQuestion(node: QuestionNode): void {
    const value = validateAnswer(node, this.input.text);
    if (value === null) return this.fail(node, node.retry);
    this.state.failures = 0;
    this.setField(node.field, value);
    this.enter(node.next, "flow");
  }

  private answerLanguage(node: LanguageNode): void {
    const text = normalize(this.input.text ?? "");
    const index = /^\d+$/.test(text) ? Number(text) - 1 : -1;
    const option =
      node.options.find((o) => this.input.replyId === languageReplyId(o.language)) ??
      node.options[index] ??
      node.options.find(
        (o) => text !== "" && (normalize(o.title) === text || normalize(o.language) === text),
      );
    if (!option) return this.fail(node, node.retry);
    this.state.failures = 0;
    this.state.language = option.language;
    this.enter(node.next, "flow");
  }

  /** A wrong answer: retry text (and the choices again), or a handoff once too many went wrong in a row. */
  private fail(node: FlowNode, retry: LocalText | undefined): void {
    this.state.failures += 1;
    if (this.state.failures >= this.def.settings.maxFailures) return this.handoff("failures");
    if (node.type === "faq") {
      this.say(retry);
      return;
    }
    this.say(retry ?? this.def.settings.retryText ?? DEFAULT_RETRY);
    // The buttons are what the customer should use; show them again rather than make them scroll up.
    if (node.type === "menu" || node.type === "language") this.send(node);
  }

  private holds(condition: Condition): boolean {
    switch (condition.kind) {
      case "language":
        return (this.state.language ?? defaultLanguage(this.def.settings)) === condition.equals;
      case "business_hours":
        return safeIsOpen(this.def.settings.businessHours, this.now) === condition.open;
      case "field":
        return fieldHolds(this.state.fields[condition.field], condition);
    }
  }

  /**
   * Ends the bot's part: the customer gets a hand-over text (the node's own was already sent), the
   * plumbing gets the reason, a summary and the fields.
   */
  private handoff(reason: HandoffReason, summary?: string, sayHandoffText = true): void {
    const { settings } = this.def;
    if (sayHandoffText) this.say(settings.handoffText);
    const template = summary?.trim() ? summary : (settings.handoffSummary ?? REASON_SUMMARY[reason]);
    this.actions.push({
      type: "handoff",
      reason,
      summary: render(template, this.context()).trim() || REASON_SUMMARY.flow,
      fields: { ...this.state.fields },
      ...(this.state.language ? { language: this.state.language } : {}),
    });
    this.state.done = true;
  }

  private end(): void {
    this.actions.push({ type: "end" });
    this.state.done = true;
  }

  private setField(name: string, value: string): void {
    this.state.fields[name] = value;
    this.actions.push({ type: "set_field", name, value });
  }

  private send(node: FlowNode): void {
    for (const message of nodeMessages(this.def, node, this.context()))
      this.actions.push({ type: "send", message });
  }

  /** Sends a text if there is one; says whether it did. */
  private say(text: LocalText | undefined): boolean {
    const messages = textMessage(this.def, text, this.context());
    for (const message of messages) this.actions.push({ type: "send", message });
    return messages.length > 0;
  }

  private context(): RenderContext {
    return {
      fields: this.state.fields,
      language: this.state.language ?? defaultLanguage(this.def.settings),
      message: this.input.text,
    };
  }
}

/**
 * Which option a reply picks: its reply id, its number ("2"), its title / id / a keyword typed in full, or
 * else the one option whose title or keyword appears in the message (none if several do).
 */
export function matchOption(options: MenuOption[], input: FlowInput): MenuOption | null {
  if (input.replyId) {
    const byId = options.find((o) => o.id === input.replyId);
    if (byId) return byId;
  }
  const text = normalize(input.text ?? "");
  if (!text) return null;
  if (/^\d+$/.test(text)) return options[Number(text) - 1] ?? null;
  const words = (o: MenuOption) => [...variants(o.title).map((v) => v.text), ...(o.keywords ?? [])];
  const exact = options.find((o) => normalize(o.id) === text || words(o).some((w) => normalize(w) === text));
  if (exact) return exact;
  const loose = options.filter((o) => words(o).some((w) => containsWords(text, w)));
  return loose.length === 1 ? loose[0]! : null;
}

/** The value to store for an answer, or null when it doesn't pass the question's validation. */
export function validateAnswer(
  node: Pick<QuestionNode, "validation" | "pattern">,
  text: string | null,
): string | null {
  const raw = (text ?? "").trim();
  if (!raw) return null;
  switch (node.validation) {
    case "text":
      return raw.length <= 1000 ? raw : null;
    case "email":
      return /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(raw) ? raw.toLowerCase() : null;
    case "number": {
      const compact = raw.replace(/\s/g, "");
      return /^[-+]?\d+([.,]\d+)?$/.test(compact) ? compact.replace(",", ".") : null;
    }
    case "phone": {
      const compact = raw.replace(/[\s().-]/g, "");
      return /^\+?\d{7,15}$/.test(compact) ? compact : null;
    }
    case "pattern": {
      if (!node.pattern) return raw;
      // Admin-written patterns run on customer text: a length cap keeps a badly written one from hanging us.
      if (raw.length > PATTERN_INPUT_MAX) return null;
      return new RegExp(`^(?:${node.pattern})$`, "i").test(raw) ? raw : null;
    }
  }
}

function fieldHolds(value: string | undefined, condition: Extract<Condition, { kind: "field" }>): boolean {
  const expected = condition.value ?? "";
  switch (condition.op) {
    case "exists":
      return value !== undefined && value !== "";
    case "missing":
      return value === undefined || value === "";
    case "equals":
      return value !== undefined && normalize(value) === normalize(expected);
    case "not_equals":
      return value === undefined || normalize(value) !== normalize(expected);
    case "contains":
      return value !== undefined && normalize(value).includes(normalize(expected));
    case "matches":
      try {
        return (
          value !== undefined && value.length <= PATTERN_INPUT_MAX && new RegExp(expected, "i").test(value)
        );
      } catch {
        return false;
      }
    case "gt":
    case "lt": {
      const a = Number(value);
      const b = Number(expected);
      if (value === undefined || value === "" || Number.isNaN(a) || Number.isNaN(b)) return false;
      return condition.op === "gt" ? a > b : a < b;
    }
  }
}

function safeIsOpen(hours: Parameters<typeof isOpen>[0], at: Date): boolean {
  try {
    return isOpen(hours, at);
  } catch {
    // An unknown time zone (validateFlow rejects it): behave as open rather than turn everyone away.
    return true;
  }
}
