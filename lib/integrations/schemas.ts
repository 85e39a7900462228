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
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string;
  payload: unknown;
};
