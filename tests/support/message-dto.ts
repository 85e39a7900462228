import type { MessageDto } from "@/lib/conversations/schemas";

/** A plain text message as the thread API returns it; inbound unless its source is an outbound one. */
export function messageDto(id: string, timestamp: string, patch: Partial<MessageDto> = {}): MessageDto {
  const source = patch.source ?? "customer";
  return {
    id,
    wamid: `wamid.${id}`,
    conversation_id: "c1",
    direction: source === "customer" || source === "history" ? "inbound" : "outbound",
    source,
    type: "text",
    text: id,
    content: null,
    timestamp,
    status: null,
    error: null,
    author: null,
    edited: false,
    revoked: false,
    reply_to: null,
    ...patch,
  };
}
