// Client-safe event types. Events are nudges (ids only); clients refetch or patch their caches.

export type ConversationChanged = {
  conversation_id: string;
  /** Per-conversation sequence number: a client that sees a gap knows it missed an event and refetches. */
  seq: number;
  message_id?: string;
  reason:
    | "message"
    | "read"
    | "status"
    | "change"
    | "reaction"
    | "identity"
    | "history"
    | "assignment"
    | "consent"
    | "note";
};

/** A business number's state changed (Coexistence link, history import progress): admins refetch it. */
export type NumberChanged = {
  number_id: string;
  reason: "coexistence" | "history" | "activity" | "sending";
};

/** A campaign's state or progress moved: whoever manages campaigns refetches it. */
export type CampaignChanged = {
  campaign_id: string;
  state: string;
  reason: "state" | "progress";
};

/** Something for one user (a mention, an assignment): their tabs play a sound and refetch the list. */
export type NotificationCreated = { id: number; kind: string; conversation_id: string };

export type ServerToClientEvents = {
  "notification.created": (event: NotificationCreated) => void;
  "conversation.changed": (event: ConversationChanged) => void;
  "number.changed": (event: NumberChanged) => void;
  "campaign.changed": (event: CampaignChanged) => void;
  /** Sent just before the server drops the socket because its session ended (revoked, disabled, expired). */
  "session.ended": (event: { reason: string }) => void;
};

export type ClientToServerEvents = Record<string, never>;

export const SOCKET_PATH = "/socket.io";
export const SOCKET_TABLE = "socket_io_attachments";
export const REALTIME_CHANNEL = "tandem_realtime";

/** What travels over NOTIFY (under its 8000-byte cap): target rooms and a small event. */
export type RealtimeEnvelope =
  | { rooms: string[]; event: "conversation.changed"; data: ConversationChanged }
  | { rooms: string[]; event: "number.changed"; data: NumberChanged }
  | { rooms: string[]; event: "campaign.changed"; data: CampaignChanged }
  | { rooms: string[]; event: "notification.created"; data: NotificationCreated };
