import { z } from "zod";
import type { ConversationPresence } from "@/lib/realtime/events";

// Client-safe shapes of the supervisor board (the board page imports these; lib/board/get-board.ts fills them).

export type BoardQueue = {
  team_id: string | null;
  team_name: string;
  number_id: string;
  display_number: string;
  waiting: number;
  longest_wait_since: string | null;
  open: number;
  bot: number;
  snoozed: number;
  sla_at_risk: number;
  sla_breached: number;
};

export type BoardAgent = {
  user_id: string;
  name: string;
  availability: string;
  availability_since: string | null;
  teams: { team_id: string; team_name: string; load: number; capacity: number }[];
  open: number;
  last_activity_at: string | null;
};

/** An open conversation on the board: waiting in a queue (no assignee) or in an agent's hands. */
export type BoardConversation = {
  id: string;
  contact_name: string;
  team_id: string | null;
  number_id: string;
  assignee_id: string | null;
  priority: string;
  waiting_since: string | null;
  sla_due_at: string | null;
  sla_breached: boolean;
  last_message_preview: string | null;
};

export type Board = {
  queues: BoardQueue[];
  agents: BoardAgent[];
  conversations: BoardConversation[];
  /** More open conversations exist than the board lists (the counts above are still complete). */
  conversations_truncated: boolean;
};

/**
 * Presence as the board hears it: the inbox's `conversation.presence` event, also sent to the board rooms of
 * the conversation's team (lib/realtime/presence.ts), with the contact's name so the board says who views what.
 */
export type BoardPresence = ConversationPresence & { contact_name: string };

export const reassignAllInput = z
  .object({
    from_user_id: z.uuid(),
    /** Another agent, or null to put the conversations back in their team's queue. */
    to_user_id: z.uuid().nullable(),
  })
  .strict();
export type ReassignAllInput = z.input<typeof reassignAllInput>;

export type ReassignAllResult = { moved: number; refused: { conversation_id: string; reason: string }[] };
