// Client-safe event types. Events are nudges (ids only); clients refetch or patch their caches.

export type ConversationChanged = {
  conversation_id: string;
  /** Per-conversation sequence number: a client that sees a gap knows it missed an event and refetches. */
  seq: number;
  message_id?: string;
  /**
   * The messages whose rows changed (status, edit/revoke, media, reaction), at most MESSAGE_IDS_LIMIT: an
   * open thread re-reads just those. Absent when more changed or they are not known: reload the thread.
   */
  message_ids?: string[];
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

/** At most this many ids in ConversationChanged.message_ids (and in GET …/messages?ids=): events stay small. */
export const MESSAGE_IDS_LIMIT = 50;

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

/** The supervisor board's figures moved (a conversation or an agent's availability): board tabs refetch. */
export type BoardChanged = { reason: "conversation" | "availability" };

/** Collision: an agent views, types in or left a conversation; the state lapses after `ttl_ms` unless repeated. */
export type ConversationPresence = {
  conversation_id: string;
  user_id: string;
  name: string;
  state: "viewing" | "typing" | "left";
  ttl_ms: number;
};

/** Something for one user (a mention, an assignment): their tabs play a sound and refetch the list. */
export type NotificationCreated = { id: number; kind: string; conversation_id: string };

export type ServerToClientEvents = {
  "notification.created": (event: NotificationCreated) => void;
  "conversation.changed": (event: ConversationChanged) => void;
  "number.changed": (event: NumberChanged) => void;
  "campaign.changed": (event: CampaignChanged) => void;
  /** Only in the board rooms (joined with `board.join`), at most one per room every 500 ms. */
  "board.changed": (event: BoardChanged) => void;
  /** Another agent's presence on a conversation this socket views (lib/realtime/presence.ts). */
  "conversation.presence": (event: ConversationPresence) => void;
  /**
   * This process's LISTEN connection to Postgres came back after a loss (a restart, an outage): events
   * published meanwhile never reached it, so the client refetches what it shows, as after a reconnect.
   */
  "realtime.resync": (event: { reason: "listen_restored" }) => void;
  /** Sent just before the server drops the socket because its session ended (revoked, disabled, expired). */
  "session.ended": (event: { reason: string }) => void;
};

export type ClientToServerEvents = {
  /** Open a conversation (or repeat, as a heartbeat): joins its presence room when the actor may read it. */
  "conversation.view": (
    input: { conversation_id: string },
    ack: (result: { ok: true } | { ok: false; error: string }) => void,
  ) => void;
  /** A keystroke ping in the composer of the conversation being viewed. */
  "conversation.typing": (input: { conversation_id: string }) => void;
  "conversation.leave": () => void;
  /** Join the supervisor board's rooms (conversations:assign); `ok: false` when not allowed. */
  "board.join": (ack: (result: { ok: boolean }) => void) => void;
};

export const SOCKET_PATH = "/socket.io";
export const SOCKET_TABLE = "socket_io_attachments";
export const REALTIME_CHANNEL = "tandem_realtime";

/** What travels over NOTIFY (under its 8000-byte cap): target rooms and a small event. */
export type RealtimeEnvelope =
  | { rooms: string[]; event: "conversation.changed"; data: ConversationChanged }
  | { rooms: string[]; event: "number.changed"; data: NumberChanged }
  | { rooms: string[]; event: "campaign.changed"; data: CampaignChanged }
  | { rooms: string[]; event: "notification.created"; data: NotificationCreated }
  | { rooms: string[]; event: "board.changed"; data: BoardChanged };

/** Several envelopes in one NOTIFY (an ingest batch's changes); receivers relay each as if sent alone. */
export type RealtimeBatch = { batch: RealtimeEnvelope[] };
