import type { FlowDefinition, FlowNode, LocalText } from "@/lib/bots/schemas";

// Pure edits of a flow draft for the editor: new steps, renames that carry their references along, removal.

export const NODE_TYPES: { type: FlowNode["type"]; label: string; hint: string }[] = [
  { type: "message", label: "Message", hint: "Sends a text and goes on" },
  { type: "menu", label: "Menu", hint: "Buttons (≤ 3) or a list (≤ 10)" },
  { type: "question", label: "Question", hint: "Collects a field, with validation" },
  { type: "faq", label: "FAQ", hint: "Answers by keyword" },
  { type: "language", label: "Language", hint: "Lets the customer pick a language" },
  { type: "condition", label: "Condition", hint: "Branches on a field, language or hours" },
  { type: "handoff", label: "Handoff", hint: "Passes the chat to a person" },
  { type: "end", label: "End", hint: "Ends the bot's part" },
];

export function newNode(type: FlowNode["type"], languages: string[]): FlowNode {
  const empty: LocalText = languages.length > 1 ? Object.fromEntries(languages.map((l) => [l, ""])) : "";
  switch (type) {
    case "message":
      return { type, text: empty, next: "" };
    case "menu":
      return { type, style: "buttons", text: empty, options: [{ id: "option_1", title: empty, next: "" }] };
    case "question":
      return { type, text: empty, field: "answer", validation: "text", next: "" };
    case "faq":
      return { type, text: empty, entries: [{ keywords: [], answer: empty }], fallback: empty };
    case "language":
      return { type, text: empty, options: languages.map((l) => ({ language: l, title: l })), next: "" };
    case "condition":
      return { type, rules: [], else: "" };
    case "handoff":
      return { type, text: empty, summary: "" };
    case "end":
      return { type, text: empty };
  }
}

/** A free node id based on `base` (base, base_2, base_3…). */
export function freeId(flow: FlowDefinition, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60) || "step";
  if (!flow.nodes[clean]) return clean;
  for (let i = 2; ; i++) if (!flow.nodes[`${clean}_${i}`]) return `${clean}_${i}`;
}

/** Renames a node and every reference to it (start, next, options, rules). */
export function renameNode(flow: FlowDefinition, from: string, to: string): FlowDefinition {
  if (from === to || !flow.nodes[from] || flow.nodes[to]) return flow;
  const swap = (id: string) => (id === from ? to : id);
  const nodes: Record<string, FlowNode> = {};
  for (const [id, node] of Object.entries(flow.nodes)) nodes[swap(id)] = mapRefs(node, swap);
  return { ...flow, start: swap(flow.start), nodes };
}

/** Removes a node; references to it are left dangling so validation points at each one. */
export function removeNode(flow: FlowDefinition, id: string): FlowDefinition {
  const nodes = { ...flow.nodes };
  delete nodes[id];
  return { ...flow, nodes };
}

function mapRefs(node: FlowNode, swap: (id: string) => string): FlowNode {
  switch (node.type) {
    case "message":
    case "question":
    case "language":
      return { ...node, next: swap(node.next) };
    case "menu":
      return { ...node, options: node.options.map((o) => ({ ...o, next: swap(o.next) })) };
    case "faq":
      return node.next === undefined ? node : { ...node, next: swap(node.next) };
    case "condition":
      return { ...node, rules: node.rules.map((r) => ({ ...r, next: swap(r.next) })), else: swap(node.else) };
    case "handoff":
    case "end":
      return node;
  }
}

/** Fields some step collects (for conditions and placeholders). */
export function collectedFields(flow: FlowDefinition): string[] {
  const names = new Set<string>();
  for (const node of Object.values(flow.nodes)) {
    if (node.type === "question") names.add(node.field);
    if (node.type === "menu" && node.field) names.add(node.field);
  }
  return [...names].sort();
}
