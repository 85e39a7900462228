import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { pgTextArray } from "@/lib/db/text-array";
import { publishNotification } from "@/lib/realtime/publish";

export type NewNotification = {
  userId: string;
  kind: "mention" | "assigned" | "sla_breached";
  conversationId: string;
  actorId: string | null;
  data?: Record<string, unknown>;
};

/**
 * Stores notifications in the caller's transaction; call the returned `publish` after commit so each user's
 * open tabs hear about it at once (sound, browser notification, badge).
 */
export async function createNotifications(tx: Tx, items: NewNotification[]) {
  if (items.length === 0) return { publish: async () => {} };
  const rows = await tx.execute<{ id: string; user_id: string; kind: string; conversation_id: string }>(sql`
    insert into notifications (user_id, kind, conversation_id, actor_id, data)
    select * from unnest(
      ${`{${items.map((i) => i.userId).join(",")}}`}::uuid[],
      ${pgTextArray(items.map((i) => i.kind))}::text[],
      ${`{${items.map((i) => i.conversationId).join(",")}}`}::uuid[],
      ${pgTextArray(items.map((i) => i.actorId ?? ""))}::text[],
      ${pgTextArray(items.map((i) => JSON.stringify(i.data ?? {})))}::jsonb[]
    )
    returning id, user_id, kind, conversation_id`);
  return {
    publish: async () => {
      for (const row of rows)
        await publishNotification(row.user_id, {
          id: Number(row.id),
          kind: row.kind,
          conversation_id: row.conversation_id,
        });
    },
  };
}
