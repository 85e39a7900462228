// Client-safe: the events an endpoint can subscribe to and what the integrations page reads.

/** What an endpoint can subscribe to. */
export const INTEGRATION_EVENTS = [
  "message.received",
  "message.echo",
  "message.created",
  "conversation.assigned",
  "conversation.unassigned",
  "conversation.transferred",
  "conversation.resolved",
  "conversation.reopened",
  "conversation.snoozed",
  "conversation.handoff",
  "conversation.note",
] as const;
export type IntegrationEvent = (typeof INTEGRATION_EVENTS)[number];

export type EndpointDto = {
  id: string;
  name: string;
  url: string;
  events: string[];
  active: boolean;
  created_at: string;
  pending: number;
  failed: number;
};

export type DeliveryDto = {
  id: number;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** The receiver's answer to the last attempt: its first 2 KB as text (null before any answer). */
  last_response_body: string | null;
  last_response_truncated: boolean;
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string;
  payload: unknown;
};
