import type { CannedResponse } from "@/lib/client/inbox";

// Canned responses in the composer: "/ship" at the start of the text picks one, its {{variables}} filled in.

export type CannedContext = { contactName: string; agentName: string };

const VARIABLE = /\{\{\s*(contact\.name|contact\.first_name|agent\.name)\s*\}\}/g;

/** The body with {{contact.name}}, {{contact.first_name}} and {{agent.name}} filled in; other text as is. */
export function fillCanned(body: string, context: CannedContext): string {
  const contact = context.contactName.trim();
  const values: Record<string, string> = {
    "contact.name": contact,
    "contact.first_name": contact.split(/\s+/)[0] ?? "",
    "agent.name": context.agentName.trim(),
  };
  return body.replace(VARIABLE, (_, name: string) => values[name] ?? "");
}

/** The text after a leading "/" while it is still one word (the picker's query), else null. */
export function cannedQuery(text: string): string | null {
  const match = /^\/([^\s/]*)$/.exec(text);
  return match ? match[1]! : null;
}

/** Responses whose shortcut starts with the query first, then those whose shortcut or title contains it. */
export function matchCanned(list: CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const q = query.toLowerCase();
  if (!q) return list.slice(0, limit);
  const starts = list.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const contains = list.filter(
    (c) => !starts.includes(c) && (c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)),
  );
  return [...starts, ...contains].slice(0, limit);
}
