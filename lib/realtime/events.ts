// Client-safe event types. Events are nudges (ids only); clients refetch or patch their caches.

export type ConversationChanged = {
  conversation_id: string;
  message_id?: string;
  reason: "message" | "read" | "status" | "assignment";
};

export type ServerToClientEvents = {
  "conversation.changed": (event: ConversationChanged) => void;
};

export type ClientToServerEvents = Record<string, never>;

export const SOCKET_PATH = "/socket.io";
export const SOCKET_TABLE = "socket_io_attachments";
export const REALTIME_CHANNEL = "tandem_realtime";

/** What travels over NOTIFY (under its 8000-byte cap): target rooms and a small event. */
export type RealtimeEnvelope = {
  rooms: string[];
  event: "conversation.changed";
  data: ConversationChanged;
};
