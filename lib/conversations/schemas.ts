import { z } from "zod";
import { MESSAGE_IDS_LIMIT } from "@/lib/realtime/events";
import { isUuid } from "@/lib/utils/ids";

// Client-safe: DTOs and inputs shared by the API, the UI and tests.

export const conversationViews = ["all", "mine", "unassigned", "bot", "snoozed", "resolved"] as const;

export const listConversationsInput = z.object({
  /** mine / unassigned / all narrow by assignee; bot / snoozed / resolved are status views. */
  view: z.enum(conversationViews).default("all"),
  status: z.enum(["bot", "open", "snoozed", "resolved"]).optional(),
  team: z.uuid().optional(),
  /** A user id, or "none" for unassigned. */
  assignee: z.union([z.uuid(), z.literal("none")]).optional(),
  number: z.uuid().optional(),
  label: z.uuid().optional(),
  priority: z.enum(["low", "normal", "high", "urgent"]).optional(),
  unread: z.enum(["true", "false"]).optional(),
  /** Contact name, phone, username or BSUID, or words in the messages. */
  q: z.string().trim().max(200).optional(),
  /** recent: last activity first; waiting: the customer waiting longest first (unanswered only). */
  sort: z.enum(["recent", "waiting"]).default("recent"),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListConversationsInput = z.input<typeof listConversationsInput>;

export const listMessagesInput = z.object({
  conversationId: z.uuid(),
  cursor: z.string().optional(),
  /** A message id of this conversation: only the messages after it (oldest first), for live catch-up. */
  after: z.uuid().optional(),
  /** Comma-separated message ids (as a conversation.changed event names them): just those messages. */
  ids: z
    .string()
    .refine(
      (value) => {
        const ids = value.split(",");
        return ids.length <= MESSAGE_IDS_LIMIT && ids.every(isUuid);
      },
      { message: `must be 1 to ${MESSAGE_IDS_LIMIT} message ids (uuids), comma-separated` },
    )
    .transform((value) => [...new Set(value.split(",").map((id) => id.toLowerCase()))])
    .optional(),
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
  priority: "low" | "normal" | "high" | "urgent";
  /** While snoozed: when it wakes; null means when the customer writes again. */
  snoozed_until: string | null;
  /** The oldest customer message nobody has answered yet; null when answered. */
  waiting_since: string | null;
  resolved_at: string | null;
  assignee_name: string | null;
  labels: { id: string; name: string; color: string }[];
  /** Running SLA deadlines (null when that clock is not running) and the first breach, if any. */
  sla: {
    first_response_due_at: string | null;
    next_response_due_at: string | null;
    resolution_due_at: string | null;
    breached_at: string | null;
  };
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

// Conversation actions (issue "inbox"): strict objects, so a field the API does not take is a 422 naming it.
export const conversationPriorities = ["low", "normal", "high", "urgent"] as const;

export const assignInput = z
  .object({
    /** A user id, or null to unassign. Omitted: the assignee stays. */
    assignee_id: z.uuid().nullable().optional(),
    /** A team id, or null for no team. Omitted: the team stays. */
    team_id: z.uuid().nullable().optional(),
  })
  .strict()
  .refine((v) => v.assignee_id !== undefined || v.team_id !== undefined, {
    message: "give assignee_id or team_id",
    path: ["assignee_id"],
  });
export type AssignInput = z.input<typeof assignInput>;

export const snoozeInput = z
  .object({
    /** ISO 8601 time to wake up; null snoozes until the customer writes again. */
    until: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
export type SnoozeInput = z.input<typeof snoozeInput>;

export const priorityInput = z.object({ priority: z.enum(conversationPriorities) }).strict();
export const labelRefInput = z.object({ label_id: z.uuid() }).strict();

export const noteInput = z
  .object({
    body: z.string().trim().min(1, "is empty").max(4000),
    /** Users to notify; the body may show them as @Name. */
    mentions: z.array(z.uuid()).max(20).default([]),
  })
  .strict();
export type NoteInput = z.input<typeof noteInput>;

export type TimelineEventDto = {
  id: string;
  conversation_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  data: unknown;
  at: string;
};

/** A stretch of text, marked when it matched the query (the client renders it, never as HTML). */
export type Highlight = { text: string; hit: boolean }[];

export type SearchResults = {
  contacts: {
    conversation_id: string;
    contact_id: string;
    name: string;
    phone: string | null;
    username: string | null;
    bsuid: string | null;
    number: string;
  }[];
  messages: {
    id: string;
    conversation_id: string;
    contact_name: string;
    source: string;
    timestamp: string;
    highlight: Highlight;
  }[];
};

/** Badge counts for the inbox's views: open mine / unassigned / all, bot, snoozed, and open per team. */
export type ConversationCounts = {
  mine: number;
  unassigned: number;
  all: number;
  bot: number;
  snoozed: number;
  teams: Record<string, number>;
};
