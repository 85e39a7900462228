import { outboundMessageInput } from "@/lib/messaging/schemas";
import { isValidTimeZone } from "../business-hours";
import { LIMITS, nodeMessages } from "./messages";
import { flowDefinitionSchema, WEEKDAYS } from "./schemas";
import { defaultLanguage, placeholders, variants } from "./text";
import type { FlowDefinition, FlowIssue, FlowNode, LocalText, ValidateResult } from "./types";

// Save-time checks of a flow, reported by path ("nodes.menu.options.1.title.es") so the editor can show
// each next to its field. Errors block publishing; warnings (unreachable steps, missing translations) don't.

const WAITING = new Set<FlowNode["type"]>(["menu", "question", "faq", "language"]);

export function validateFlow(def: unknown): ValidateResult {
  const parsed = flowDefinitionSchema.safeParse(def);
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      warnings: [],
    };
  const flow = parsed.data;
  const check = new Checker(flow);
  check.all();
  return check.errors.length > 0
    ? { ok: false, errors: check.errors, warnings: check.warnings }
    : { ok: true, flow, warnings: check.warnings };
}

/** Issues under a path (a field's own and its children's), for showing next to that field. */
export function issuesAt(issues: FlowIssue[], path: string): FlowIssue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
}

class Checker {
  errors: FlowIssue[] = [];
  warnings: FlowIssue[] = [];
  private readonly languages: string[];
  private readonly collected = new Set<string>();

  constructor(private readonly flow: FlowDefinition) {
    this.languages = flow.settings.languages ?? [];
    for (const node of Object.values(flow.nodes)) {
      if (node.type === "question" || (node.type === "menu" && node.field)) this.collected.add(node.field!);
    }
  }

  all(): void {
    this.settings();
    if (!this.flow.nodes[this.flow.start]) this.error("start", "The start step doesn't exist");
    for (const [id, node] of Object.entries(this.flow.nodes)) this.node(`nodes.${id}`, node);
    this.loops();
    this.reachability();
  }

  private settings(): void {
    const s = this.flow.settings;
    const p = "settings";
    if (s.languages) {
      if (s.languages.length === 0)
        this.error(`${p}.languages`, "List at least one language, or none at all");
      if (new Set(s.languages).size !== s.languages.length)
        this.error(`${p}.languages`, "A language is listed twice");
    }
    s.handoffKeywords.forEach((k, i) => {
      if (!k.trim()) this.error(`${p}.handoffKeywords.${i}`, "Empty keyword");
    });
    if (s.handoffKeywords.length === 0)
      this.warn(`${p}.handoffKeywords`, "No handoff keyword: customers can't ask for a person by typing");
    this.text(`${p}.retryText`, s.retryText, LIMITS.text, false);
    this.text(`${p}.handoffText`, s.handoffText, LIMITS.text, false);
    if (s.handoffSummary !== undefined) this.template(`${p}.handoffSummary`, s.handoffSummary);
    this.text(`${p}.awayMessage`, s.awayMessage, LIMITS.text, false);
    const hours = s.businessHours;
    if (hours) {
      if (!isValidTimeZone(hours.timezone))
        this.error(`${p}.businessHours.timezone`, `Unknown time zone "${hours.timezone}"`);
      for (const [day, ranges] of Object.entries(hours.weekly)) {
        if (!(WEEKDAYS as readonly string[]).includes(day))
          this.error(`${p}.businessHours.weekly.${day}`, `Unknown day "${day}" (use mon … sun)`);
        ranges.forEach(([from, to], i) => {
          if (from === to)
            this.warn(`${p}.businessHours.weekly.${day}.${i}`, "Same start and end: open 24 hours");
        });
      }
      if (!s.awayMessage)
        this.warn(`${p}.awayMessage`, "Business hours are set but there is no away message");
    } else if (s.outsideHours && s.outsideHours !== "continue") {
      this.warn(`${p}.outsideHours`, "No business hours are set, so this never applies");
    }
  }

  private node(path: string, node: FlowNode): void {
    switch (node.type) {
      case "message":
        this.text(`${path}.text`, node.text, LIMITS.text, true);
        this.ref(`${path}.next`, node.next);
        break;
      case "question":
        this.text(`${path}.text`, node.text, LIMITS.text, true);
        this.text(`${path}.retry`, node.retry, LIMITS.text, false);
        this.ref(`${path}.next`, node.next);
        if (node.validation === "pattern") {
          if (!node.pattern?.trim()) this.error(`${path}.pattern`, "Give the pattern answers must match");
          else if (!compiles(node.pattern)) this.error(`${path}.pattern`, "Not a valid regular expression");
        }
        break;
      case "menu":
        this.menu(path, node);
        break;
      case "faq":
        this.text(`${path}.text`, node.text, LIMITS.text, false);
        this.text(`${path}.fallback`, node.fallback, LIMITS.text, true);
        if (node.next !== undefined) this.ref(`${path}.next`, node.next);
        if (node.entries.length === 0)
          this.warn(`${path}.entries`, "No answers yet: every question gets the fallback");
        node.entries.forEach((entry, i) => {
          if (!entry.keywords.some((k) => k.trim()))
            this.error(`${path}.entries.${i}.keywords`, "Give at least one keyword");
          this.text(`${path}.entries.${i}.answer`, entry.answer, LIMITS.text, true);
        });
        break;
      case "language":
        this.language(path, node);
        break;
      case "condition":
        node.rules.forEach((rule, i) => {
          this.ref(`${path}.rules.${i}.next`, rule.next);
          const when = rule.when;
          const at = `${path}.rules.${i}.when`;
          if (when.kind === "field") {
            if (!this.collected.has(when.field)) this.warn(`${at}.field`, `No step collects "${when.field}"`);
            const needsValue = when.op !== "exists" && when.op !== "missing";
            if (needsValue && !when.value?.trim()) this.error(`${at}.value`, "Give a value to compare with");
            if (when.op === "matches" && when.value && !compiles(when.value))
              this.error(`${at}.value`, "Not a valid regular expression");
            if ((when.op === "gt" || when.op === "lt") && when.value && Number.isNaN(Number(when.value)))
              this.error(`${at}.value`, "Give a number");
          } else if (when.kind === "language") {
            if (this.languages.length > 0 && !this.languages.includes(when.equals))
              this.error(`${at}.equals`, `"${when.equals}" is not one of the flow's languages`);
          } else if (!this.flow.settings.businessHours) {
            this.warn(at, "No business hours are set: the bot counts as always open");
          }
        });
        this.ref(`${path}.else`, node.else);
        break;
      case "handoff":
        this.text(`${path}.text`, node.text, LIMITS.text, false);
        if (!node.summary.trim()) this.error(`${path}.summary`, "Write a summary for the agent");
        this.template(`${path}.summary`, node.summary);
        break;
      case "end":
        this.text(`${path}.text`, node.text, LIMITS.text, false);
        break;
    }
    this.sendable(path, node);
  }

  private menu(path: string, node: Extract<FlowNode, { type: "menu" }>): void {
    const buttons = node.style === "buttons";
    this.text(`${path}.text`, node.text, LIMITS.body, true);
    this.text(`${path}.retry`, node.retry, LIMITS.text, false);
    if (buttons && node.options.length > LIMITS.buttons)
      this.error(`${path}.options`, `At most ${LIMITS.buttons} reply buttons: use a list for more`);
    if (!buttons && node.options.length > LIMITS.rows)
      this.error(`${path}.options`, `A list has at most ${LIMITS.rows} rows`);
    if (!buttons) {
      this.text(`${path}.button`, node.button, LIMITS.listButton, true, "The list needs a button text");
      this.text(`${path}.sectionTitle`, node.sectionTitle, LIMITS.sectionTitle, false);
    }
    const ids = new Set<string>();
    const titles = new Map<string, number>();
    node.options.forEach((option, i) => {
      const at = `${path}.options.${i}`;
      if (ids.has(option.id)) this.error(`${at}.id`, "Option ids must be unique in the menu");
      ids.add(option.id);
      this.text(`${at}.title`, option.title, buttons ? LIMITS.buttonTitle : LIMITS.rowTitle, true);
      if (option.description !== undefined) {
        if (buttons) this.warn(`${at}.description`, "Buttons have no description: it won't be shown");
        else this.text(`${at}.description`, option.description, LIMITS.rowDescription, false);
      }
      for (const v of variants(option.title)) {
        const key = `${v.language}:${v.text.trim().toLowerCase()}`;
        if (titles.has(key)) this.warn(`${at}.title`, `Same title as option ${titles.get(key)! + 1}`);
        titles.set(key, i);
      }
      this.ref(`${at}.next`, option.next);
    });
  }

  private language(path: string, node: Extract<FlowNode, { type: "language" }>): void {
    this.text(`${path}.text`, node.text, LIMITS.body, true);
    this.text(`${path}.retry`, node.retry, LIMITS.text, false);
    this.ref(`${path}.next`, node.next);
    const buttons = node.options.length <= LIMITS.buttons;
    if (node.options.length > LIMITS.rows) this.error(`${path}.options`, `At most ${LIMITS.rows} languages`);
    const seen = new Set<string>();
    node.options.forEach((option, i) => {
      const at = `${path}.options.${i}`;
      if (seen.has(option.language)) this.error(`${at}.language`, "This language is offered twice");
      seen.add(option.language);
      if (this.languages.length > 0 && !this.languages.includes(option.language))
        this.error(`${at}.language`, `Add "${option.language}" to the flow's languages first`);
      if (this.languages.length === 0)
        this.error(`${at}.language`, "List the flow's languages in the settings first");
      const max = buttons ? LIMITS.buttonTitle : LIMITS.rowTitle;
      if (!option.title.trim()) this.error(`${at}.title`, "Required");
      else if (option.title.length > max)
        this.error(`${at}.title`, `At most ${max} characters (${option.title.length})`);
    });
  }

  /** A text in every language: required or not, within `max`, placeholders known, translations complete. */
  private text(
    path: string,
    text: LocalText | undefined,
    max: number,
    required: boolean,
    requiredMessage = "Required",
  ): void {
    if (text === undefined || variants(text).every((v) => !v.text.trim())) {
      if (required) this.error(path, requiredMessage);
      return;
    }
    for (const v of variants(text)) {
      const at = v.language === null ? path : `${path}.${v.language}`;
      if (v.language !== null && this.languages.length > 0 && !this.languages.includes(v.language))
        this.warn(at, `"${v.language}" is not one of the flow's languages`);
      if (required && !v.text.trim()) this.error(at, requiredMessage);
      if (v.text.length > max) this.error(at, `At most ${max} characters (${v.text.length})`);
      this.template(at, v.text);
    }
    if (typeof text !== "string" && this.languages.length > 1) {
      const fallback = defaultLanguage(this.flow.settings);
      for (const language of this.languages)
        if (!text[language]?.trim() && language !== fallback)
          this.warn(`${path}.${language}`, `No "${language}" text: the ${fallback} one is sent`);
    }
  }

  private template(path: string, template: string): void {
    for (const key of placeholders(template)) {
      if (key === "language" || key === "message") continue;
      const field = /^fields\.([a-z][a-z0-9_]*)$/.exec(key)?.[1];
      if (!field)
        this.error(path, `Unknown placeholder {{${key}}}: use {{fields.name}}, {{language}} or {{message}}`);
      else if (!this.collected.has(field))
        this.warn(path, `No step collects "${field}": {{${key}}} stays empty`);
    }
  }

  private ref(path: string, target: string): void {
    if (!this.flow.nodes[target]) this.error(path, target ? `No step "${target}"` : "Pick the next step");
  }

  /** Belt and braces: what each node sends, in each language, must pass the send schema. */
  private sendable(path: string, node: FlowNode): void {
    if (this.errors.some((e) => e.path === path || e.path.startsWith(`${path}.`))) return;
    const languages = this.languages.length > 0 ? this.languages : [defaultLanguage(this.flow.settings)];
    for (const language of languages) {
      for (const message of nodeMessages(this.flow, node, { fields: {}, language, message: null })) {
        const result = outboundMessageInput.safeParse(message);
        if (!result.success) {
          this.error(path, result.error.issues[0]?.message ?? "WhatsApp would reject this message");
          return;
        }
      }
    }
  }

  /** Steps that don't wait for the customer must not form a loop (the bot would talk forever). */
  private loops(): void {
    const state = new Map<string, "visiting" | "done">();
    const visit = (id: string): boolean => {
      const node = this.flow.nodes[id];
      if (!node || WAITING.has(node.type)) return false;
      if (state.get(id) === "done") return false;
      if (state.get(id) === "visiting") return true;
      state.set(id, "visiting");
      const looped = immediateNext(node).some(visit);
      state.set(id, "done");
      return looped;
    };
    for (const id of Object.keys(this.flow.nodes)) {
      if (state.has(id)) continue;
      if (visit(id))
        this.error(`nodes.${id}`, "These steps go round in a loop without waiting for the customer");
    }
  }

  private reachability(): void {
    const seen = new Set<string>();
    const queue = [this.flow.start];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id) || !this.flow.nodes[id]) continue;
      seen.add(id);
      queue.push(...successors(this.flow.nodes[id]!));
    }
    for (const id of Object.keys(this.flow.nodes))
      if (!seen.has(id)) this.warn(`nodes.${id}`, "Unreachable: no step leads here");
  }

  private error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  private warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** Every node a node can lead to. */
export function successors(node: FlowNode): string[] {
  switch (node.type) {
    case "message":
    case "question":
    case "language":
      return [node.next];
    case "menu":
      return node.options.map((o) => o.next);
    case "faq":
      return node.next ? [node.next] : [];
    case "condition":
      return [...node.rules.map((r) => r.next), node.else];
    case "handoff":
    case "end":
      return [];
  }
}

// Nodes reached without waiting for the customer (a loop among these never stops).
function immediateNext(node: FlowNode): string[] {
  if (node.type === "message") return [node.next];
  if (node.type === "condition") return [...node.rules.map((r) => r.next), node.else];
  return [];
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
