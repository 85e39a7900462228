// Search hits as text segments: rendered as text in <mark>, never as HTML.

export type Segment = { text: string; hit: boolean };

/** Marks every case-insensitive occurrence of the query in the text (contact names, phones, usernames). */
export function markMatches(text: string, query: string): Segment[] {
  const q = query.trim().toLowerCase();
  if (!q || !text) return text ? [{ text, hit: false }] : [];
  const lower = text.toLowerCase();
  const out: Segment[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, at + q.length)) {
    if (at > from) out.push({ text: text.slice(from, at), hit: false });
    out.push({ text: text.slice(at, at + q.length), hit: true });
    from = at + q.length;
  }
  if (from < text.length) out.push({ text: text.slice(from), hit: false });
  return out;
}
