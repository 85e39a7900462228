// @mentions in notes: "@" after a space (or at the start) opens the picker; picking inserts "@Name ".

export type MentionQuery = { start: number; query: string };

/** The "@word" being typed just before the caret, or null when the caret is not in one. */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!match) return null;
  return { start: before.length - match[2]!.length - 1, query: match[2]! };
}

/** The text with the "@query" at `at` replaced by "@Name ", and where the caret goes after it. */
export function insertMention(text: string, at: MentionQuery, name: string): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const inserted = `@${name} `;
  return { text: text.slice(0, at.start) + inserted + text.slice(end), caret: at.start + inserted.length };
}

/** Ids of the picked people whose "@Name" is still in the text (an edited-away mention notifies nobody). */
export function mentionedIds(text: string, picked: { id: string; name: string }[]): string[] {
  return [...new Set(picked.filter((p) => text.includes(`@${p.name}`)).map((p) => p.id))];
}

/** The note body cut into plain text and @mentions of known names (longest name first), for display. */
export function mentionSegments(body: string, names: string[]): { text: string; mention: boolean }[] {
  const known = [...new Set(names.filter(Boolean))].sort((a, b) => b.length - a.length);
  if (known.length === 0) return body ? [{ text: body, mention: false }] : [];
  const pattern = new RegExp(`@(?:${known.map(escapeRegExp).join("|")})`, "g");
  const out: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    const index = match.index;
    if (index > last) out.push({ text: body.slice(last, index), mention: false });
    out.push({ text: match[0], mention: true });
    last = index + match[0].length;
  }
  if (last < body.length) out.push({ text: body.slice(last), mention: false });
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
