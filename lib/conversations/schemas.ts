import { z } from "zod";

// Client-safe: DTOs and inputs shared by the API, the UI and tests.

export const listConversationsInput = z.object({
  view: z.enum(["all", "mine", "unassigned"]).default("all"),
  status: z.enum(["bot", "open", "snoozed", "resolved"]).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListConversationsInput = z.input<typeof listConversationsInput>;

export const listMessagesInput = z.object({
  conversationId: z.uuid(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListMessagesInput = z.input<typeof listMessagesInput>;

export type ConversationSummary = {
  id: string;
  status: "bot" | "open" | "snoozed" | "resolved";
  contact: { id: string; name: string; phone: string | null; username: string | null; bsuid: string | null };
  number: { id: string; display_number: string };
  team_id: string | null;
  assignee_id: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  unread_count: number;
  window_expires_at: string | null;
};

export type MessageDto = {
  id: string;
  wamid: string | null;
  conversation_id: string;
  direction: "inbound" | "outbound";
  source: "customer" | "agent" | "bot" | "campaign" | "business_app" | "history" | "system";
  type: string;
  text: string | null;
  content: unknown;
  timestamp: string;
  status: "queued" | "sent" | "delivered" | "read" | "played" | "failed" | null;
  /** Why it failed, in words for agents; `action` is what the UI offers (retry, pick a template...). */
  error: {
    code: string;
    title: string;
    hint: string;
    retryable: boolean;
    action: "retry" | "template" | "reconnect" | "none";
  } | null;
  author: string | null;
  edited: boolean;
  revoked: boolean;
  reply_to: string | null;
  /** Our copy of the message's media; absent for messages without downloadable media. */
  media?: MessageMedia;
};

export type MessageMedia = {
  id: string;
  state: "pending" | "stored" | "unavailable" | "too_large";
  mime_type: string | null;
  size: number | null;
  filename: string | null;
  /** Why the media is unavailable, in plain words; null otherwise. */
  error: string | null;
  /** Served only to actors who may read the conversation; 404 with the reason until stored. */
  url: string;
};

export type Page<T> = { data: T[]; next_cursor: string | null };
