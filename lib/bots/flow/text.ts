import type { FlowSettings, LocalText } from "./types";

// Text helpers shared by the interpreter, the validator and the editor's preview.

/** Case-, accent- and punctuation-insensitive form used for every comparison with what a customer typed. */
export function normalize(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@#+.\s-]/gu, " ")
    .replace(/[.\s]+$/u, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Does `phrase` occur in `text` as whole words (both normalized)? */
export function containsWords(text: string, phrase: string): boolean {
  const needle = normalize(phrase);
  if (!needle) return false;
  return ` ${normalize(text)} `.includes(` ${needle} `);
}

export function defaultLanguage(settings: FlowSettings): string {
  return settings.languages?.[0] ?? "en";
}

/** A text in `language`, else the default language, else any. */
export function pickText(text: LocalText | undefined, language: string, fallback: string): string {
  if (text === undefined) return "";
  if (typeof text === "string") return text;
  return text[language] ?? text[fallback] ?? Object.values(text)[0] ?? "";
}

/** Every language variant of a text (for validation: each one must fit WhatsApp's limits). */
export function variants(text: LocalText | undefined): { language: string | null; text: string }[] {
  if (text === undefined) return [];
  if (typeof text === "string") return [{ language: null, text }];
  return Object.entries(text).map(([language, value]) => ({ language, text: value }));
}

export type TemplateContext = { fields: Record<string, string>; language?: string; message?: string | null };

/** Fills {{fields.x}}, {{language}} and {{message}}; unknown or missing values become "". */
export function render(template: string, context: TemplateContext): string {
  return template.replace(/\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}/gi, (_, key: string) => {
    if (key.startsWith("fields.")) return context.fields[key.slice("fields.".length)] ?? "";
    if (key === "language") return context.language ?? "";
    if (key === "message") return context.message ?? "";
    return "";
  });
}

/** The {{…}} placeholders a template uses (for validation). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1]!);
}

/** Cut to `max` UTF-16 units (as WhatsApp's limits and zod count), never splitting a character; ends in "…". */
export function clamp(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
