import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

/** For sendMessage: the conversation's customer withdrew marketing consent (their newest word, any source). */
export async function marketingOptedOut(tx: Tx, conversationId: string): Promise<boolean> {
  const [row] = await tx.execute<{ state: string }>(sql`
    select k.state from consents k join conversations c on c.contact_id = k.contact_id
    where c.id = ${conversationId} and k.category in ('marketing', 'all')
    order by date_trunc('second', k.at) desc, k.event_id desc limit 1`);
  return row?.state === "opt_out";
}
