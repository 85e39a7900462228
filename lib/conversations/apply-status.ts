import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { StatusUpdated } from "@/lib/whatsapp/events";
import { STATUS_ORDER_SQL } from "./status-order";

/** Prefix of biz_opaque_callback_data on our sends; shared with lib/messaging (which imports it from here). */
export const CALLBACK_PREFIX = "tandem:";
import { touchConversation, type ConversationTouch } from "./touch-conversation";
import { isUuid } from "@/lib/utils/ids";

/**
 * Records a receipt once per (wamid, status) and raises the message's status if it ranks higher. A receipt
 * for a message not stored yet waits in message_statuses and is applied when the message appears.
 */
export async function applyStatus(tx: Tx, event: StatusUpdated): Promise<ConversationTouch | null> {
  const error = event.errors[0] ?? null;
  const [stored] = await tx.execute<{ wamid: string }>(sql`
    insert into message_statuses (wamid, status, timestamp, error, pricing)
    values (${event.wamid}, ${event.status}::status_name, ${event.timestamp.toISOString()}::timestamptz,
            ${error ? JSON.stringify(error) : null}::jsonb, ${event.pricing ? JSON.stringify(event.pricing) : null}::jsonb)
    on conflict (wamid, status) do nothing
    returning wamid`);
  if (!stored) return null;
  await linkCallback(tx, event);
  const order = sql.raw(STATUS_ORDER_SQL);
  const [message] = await tx.execute<{ conversation_id: string }>(sql`
    update messages set
      status = ${event.status}::message_status,
      error = case when ${event.status} = 'failed' then coalesce(${error ? JSON.stringify(error) : null}::jsonb, error)
                   else error end
    where wamid = ${event.wamid}
      and (status is null or array_position(${order}, status::text) < array_position(${order}, ${event.status}::text))
    returning conversation_id`);
  return message ? touchConversation(tx, message.conversation_id) : null;
}

/**
 * Our sends carry `tandem:<message id>` as biz_opaque_callback_data. If the worker died after Meta accepted
 * a send but before it stored the wamid, the first status links them here, so the sweep never resends it.
 */
async function linkCallback(tx: Tx, event: StatusUpdated) {
  const data = event.bizOpaqueCallbackData;
  const id = data?.startsWith(CALLBACK_PREFIX) ? data.slice(CALLBACK_PREFIX.length) : null;
  if (!id || !isUuid(id)) return;
  await tx.execute(sql`
    update messages set wamid = ${event.wamid}
    where id = ${id} and wamid is null and direction = 'outbound'
      and not exists (select 1 from messages other where other.wamid = ${event.wamid})`);
}
