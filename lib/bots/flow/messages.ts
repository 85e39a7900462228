import type { OutboundMessageInput } from "@/lib/messaging/schemas";
import { clamp, defaultLanguage, pickText, render, type TemplateContext } from "./text";
import type { FlowDefinition, FlowNode, LanguageNode, LocalText, MenuNode } from "./types";

// What a node sends when the flow arrives at it, as lib/messaging send inputs. Shared by the interpreter and
// the editor's preview so the admin sees exactly what the customer will get.

export const LIMITS = {
  text: 4096,
  body: 1024,
  buttonTitle: 20,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
  sectionTitle: 24,
  buttons: 3,
  rows: 10,
} as const;

export type RenderContext = TemplateContext & { language: string };

/** A language node's reply id for a code (the reply comes back as button_reply.id / list_reply.id). */
export function languageReplyId(code: string): string {
  return `language:${code}`;
}

/** The messages a node sends on arrival (condition nodes send nothing). */
export function nodeMessages(
  def: FlowDefinition,
  node: FlowNode,
  context: RenderContext,
): OutboundMessageInput[] {
  const say = (text: LocalText | undefined) => textMessage(def, text, context);
  switch (node.type) {
    case "message":
    case "question":
      return say(node.text);
    case "faq":
    case "handoff":
    case "end":
      return say(node.text);
    case "menu":
      return [menuMessage(def, node, context)];
    case "language":
      return [languageMessage(def, node, context)];
    case "condition":
      return [];
  }
}

/** A plain text message, or nothing when the text is missing or renders empty. */
export function textMessage(
  def: FlowDefinition,
  text: LocalText | undefined,
  context: RenderContext,
): OutboundMessageInput[] {
  const body = clamp(fill(def, text, context), LIMITS.text);
  return body.trim() ? [{ type: "text", text: body }] : [];
}

function menuMessage(def: FlowDefinition, node: MenuNode, context: RenderContext): OutboundMessageInput {
  const body = bodyText(fill(def, node.text, context));
  const pick = (text: LocalText | undefined) =>
    pickText(text, context.language, defaultLanguage(def.settings));
  if (node.style === "buttons")
    return {
      type: "interactive",
      kind: "button",
      body,
      buttons: node.options.slice(0, LIMITS.buttons).map((o) => ({
        id: o.id,
        title: clamp(pick(o.title).trim() || o.id, LIMITS.buttonTitle),
      })),
    };
  const sectionTitle = pick(node.sectionTitle).trim();
  return {
    type: "interactive",
    kind: "list",
    body,
    list: {
      button: clamp(pick(node.button).trim() || "Options", LIMITS.listButton),
      sections: [
        {
          ...(sectionTitle ? { title: clamp(sectionTitle, LIMITS.sectionTitle) } : {}),
          rows: node.options.slice(0, LIMITS.rows).map((o) => {
            const description = pick(o.description).trim();
            return {
              id: o.id,
              title: clamp(pick(o.title).trim() || o.id, LIMITS.rowTitle),
              ...(description ? { description: clamp(description, LIMITS.rowDescription) } : {}),
            };
          }),
        },
      ],
    },
  };
}

function languageMessage(
  def: FlowDefinition,
  node: LanguageNode,
  context: RenderContext,
): OutboundMessageInput {
  const body = bodyText(fill(def, node.text, context));
  const options = node.options.map((o) => ({
    id: languageReplyId(o.language),
    title: o.title.trim() || o.language,
  }));
  if (options.length <= LIMITS.buttons)
    return {
      type: "interactive",
      kind: "button",
      body,
      buttons: options.map((o) => ({ ...o, title: clamp(o.title, LIMITS.buttonTitle) })),
    };
  return {
    type: "interactive",
    kind: "list",
    body,
    list: {
      button: "Language",
      sections: [
        {
          rows: options.slice(0, LIMITS.rows).map((o) => ({ ...o, title: clamp(o.title, LIMITS.rowTitle) })),
        },
      ],
    },
  };
}

function fill(def: FlowDefinition, text: LocalText | undefined, context: RenderContext): string {
  return render(pickText(text, context.language, defaultLanguage(def.settings)), context);
}

// An interactive message must have a body; a template that rendered empty still gets one.
function bodyText(text: string): string {
  const body = clamp(text, LIMITS.body);
  return body.trim() ? body : "…";
}
