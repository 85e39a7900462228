// Typed domain events produced by normalize.ts and consumed by lib/ingest/apply.ts.

export type CustomerIdentity = {
  bsuid?: string;
  parentBsuid?: string;
  phone?: string;
  username?: string;
  profileName?: string;
};

export type MessageReceived = {
  kind: "message.received";
  wabaId: string;
  phoneNumberId: string;
  wamid: string;
  customer: CustomerIdentity;
  timestamp: Date;
  type: string;
  text: string | null;
  content: unknown;
  replyToWamid: string | null;
};

/** A change or item Tandem does not apply yet; kept so nothing is silently dropped. */
export type Unhandled = { kind: "unhandled"; field: string; reason: string };

export type DomainEvent = MessageReceived | Unhandled;

export type NormalizeFailure = { path: string; reason: string };

export type NormalizeResult = { events: DomainEvent[]; failures: NormalizeFailure[] };
