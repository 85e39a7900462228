import { sql } from "drizzle-orm";
import { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import { contacts, contactSearchText, conversations } from "@/lib/db/schema";
import { dbOf, type Ctx } from "@/lib/db/context";
import { conversationScope } from "./queries";
import type { Highlight, SearchResults } from "./schemas";
import { containsPattern } from "@/lib/utils/ids";

export const searchInput = z
  .object({
    q: z.string().trim().min(2, "needs at least 2 characters").max(200),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

// Delimiters ts_headline cannot meet in message text.
const START = "\u0001";
const STOP = "\u0002";

/**
 * Search across what the actor may see: contacts by any part of name, phone, username or BSUID (trigram
 * index), and messages by words (full-text index), newest first, with the matches marked.
 */
export async function searchConversations({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof searchInput>;
}): Promise<SearchResults> {
  assertCan(ctx.actor, "conversations:read");
  const { q, limit } = searchInput.parse(input);
  const db = dbOf(ctx);
  const scope = conversationScope(ctx.actor);
  const like = containsPattern(q.toLowerCase());
  const name = sql`coalesce(${contacts.addressBookName}, ${contacts.profileName}, ${contacts.username}, ${contacts.phone}, ${contacts.bsuid}, 'Unknown')`;
  const contactRows = await db.execute<SearchResults["contacts"][number]>(sql`
    select ${conversations.id} as conversation_id, ${contacts.id} as contact_id, ${name} as name,
      ${contacts.phone} as phone, ${contacts.username} as username, ${contacts.bsuid} as bsuid,
      n.display_number as number
    from ${conversations}
    join ${contacts} on ${contacts.id} = ${conversations.contactId}
    join phone_numbers n on n.id = ${conversations.phoneNumberId}
    where ${contactSearchText(contacts)} like ${like} ${scope ? sql`and ${scope}` : sql``}
    order by ${conversations.lastMessageAt} desc nulls last
    limit ${limit}`);
  const messageRows = await db.execute<{
    id: string;
    conversation_id: string;
    contact_name: string;
    source: string;
    timestamp: string;
    headline: string;
  }>(sql`
    select m.id, m.conversation_id, ${name} as contact_name, m.source, m.timestamp,
      ts_headline('simple', m.text, websearch_to_tsquery('simple', ${q}),
        ${`StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=8, MaxFragments=2`}) as headline
    from messages m
    join ${conversations} on ${conversations.id} = m.conversation_id
    join ${contacts} on ${contacts.id} = ${conversations.contactId}
    where to_tsvector('simple', coalesce(m.text, '')) @@ websearch_to_tsquery('simple', ${q})
      ${scope ? sql`and ${scope}` : sql``}
    order by m.timestamp desc, m.arrival desc
    limit ${limit}`);
  return {
    contacts: contactRows,
    messages: messageRows.map(({ headline, ...m }) => ({
      ...m,
      timestamp: new Date(m.timestamp).toISOString(),
      highlight: splitHighlight(headline),
    })),
  };
}

export function splitHighlight(headline: string): Highlight {
  const parts: Highlight = [];
  for (const [i, chunk] of headline.split(START).entries()) {
    if (i === 0) {
      if (chunk) parts.push({ text: chunk, hit: false });
      continue;
    }
    const [hit, rest] = chunk.split(STOP);
    if (hit) parts.push({ text: hit, hit: true });
    if (rest) parts.push({ text: rest, hit: false });
  }
  return parts;
}
