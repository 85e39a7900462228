// Typed domain events: the contract between normalize.ts (pure, Meta's shapes → events) and
// lib/ingest/apply.ts (events → database). PROTOCOL.md section numbers in brackets.

export type CustomerIdentity = {
  bsuid?: string;
  parentBsuid?: string;
  /** Digits only, no "+". Omitted when Meta hides it (username users, §4.2). */
  phone?: string;
  username?: string;
  profileName?: string;
};

/** Where every event comes from: which business number, in which WABA (identity scope, §4.1). */
type Routed = { wabaId: string; phoneNumberId: string };

/** Meta's error object, old and new shapes merged (§2 "errors on messages", §3 failed). */
export type MetaError = { code: number; title: string; message?: string; details?: string; href?: string };

export type MessageContent = {
  /** Meta's type: text, image, …, unsupported, media_placeholder, or an unknown string kept as-is. */
  type: string;
  /** Text body, caption, button/list title, or null. */
  text: string | null;
  /** The type-specific object from Meta, kept whole (media ids, location, interactive…). */
  content: unknown;
};

/** A customer's message received through the Cloud API [§2]: the only kind that opens the 24 h window. */
export type MessageReceived = Routed &
  MessageContent & {
    kind: "message.received";
    wamid: string;
    customer: CustomerIdentity;
    timestamp: Date;
    replyToWamid: string | null;
    forwarded: boolean;
    referral: unknown | null;
    errors: MetaError[];
    /** "history": the late media copy of a history message (§5.4), which must not open the window. */
    origin: "live" | "history";
  };

/** What the owner typed in the WhatsApp Business app [§5.2]: outbound, source business_app. */
export type EchoReceived = Routed &
  MessageContent & {
    kind: "echo.received";
    wamid: string;
    /** The customer the owner wrote to (`to` / `to_user_id` + contacts block). */
    customer: CustomerIdentity;
    timestamp: Date;
    replyToWamid: string | null;
    /** Errors-only echoes carry no content (§5.2): shown as "sent from phone, content unavailable". */
    errors: MetaError[];
    origin: "live" | "history";
  };

/** A user or the owner edited a message [§2 edit, §5.2 edit]. */
export type MessageEdited = Routed & {
  kind: "message.edited";
  /** The wamid of the edit notification itself (dedupe key). */
  wamid: string;
  originalWamid: string;
  by: "customer" | "business_app";
  customer: CustomerIdentity;
  timestamp: Date;
  next: MessageContent;
};

/** A user or the owner deleted a message for everyone [§2 revoke, §5.2 revoke]. */
export type MessageRevoked = Routed & {
  kind: "message.revoked";
  wamid: string;
  originalWamid: string;
  by: "customer" | "business_app";
  customer: CustomerIdentity;
  timestamp: Date;
};

/** A reaction to any message in the chat; an empty emoji removes it [§2 reaction]. */
export type ReactionReceived = Routed & {
  kind: "reaction.received";
  wamid: string;
  targetWamid: string;
  emoji: string;
  by: "customer" | "business_app";
  customer: CustomerIdentity;
  timestamp: Date;
};

export type StatusName = "sent" | "delivered" | "read" | "played" | "failed";

/** A receipt for a message the business sent [§3]. Key (wamid, status); never downgrade. */
export type StatusUpdated = Routed & {
  kind: "status.updated";
  wamid: string;
  status: StatusName;
  timestamp: Date;
  recipient: CustomerIdentity;
  errors: MetaError[];
  pricing: { billable?: boolean; model?: string; type?: string; category?: string } | null;
  bizOpaqueCallbackData: string | null;
};

/** One address-book change from the owner's phone [§5.3]; "add" also covers edits. */
export type ContactSynced = Routed & {
  kind: "contact.synced";
  action: "add" | "remove";
  contact: CustomerIdentity & { fullName?: string; firstName?: string };
  timestamp: Date;
};

export type HistoryMessage = MessageContent & {
  wamid: string;
  direction: "inbound" | "outbound";
  timestamp: Date;
  /** history_context.status, lower-cased: sent | delivered | read | played | pending | error. */
  status: string | null;
  replyToWamid: string | null;
};

/** One chunk of the onboarding history import [§5.4]. Completion is progress == 100. */
export type HistoryChunk = Routed & {
  kind: "history.chunk";
  phase: number;
  chunkOrder: number;
  progress: number;
  threads: { customer: CustomerIdentity; messages: HistoryMessage[] }[];
};

/** The business declined history sharing (2593109) [§5.4]. */
export type HistoryDeclined = Routed & { kind: "history.declined"; error: MetaError };

/**
 * A customer's identity changed [§4.5]: `user_changed_number` / `user_changed_user_id` system messages,
 * or the (withdrawn but still forwarded) `user_id_update` field. Merge into the existing contact.
 */
export type IdentityChanged = Routed & {
  kind: "identity.changed";
  /** System message wamid, or a synthetic key for user_id_update (dedupe). */
  key: string;
  reason: "user_changed_number" | "user_changed_user_id" | "user_id_update";
  previous: CustomerIdentity;
  current: CustomerIdentity;
  timestamp: Date;
  /** Meta's human-readable system text, if any. */
  body: string | null;
};

/** account_update [§5.5]: PARTNER_REMOVED, ACCOUNT_OFFBOARDED, ACCOUNT_RECONNECTED, and others kept raw. */
export type AccountUpdated = {
  kind: "account.updated";
  wabaId: string;
  /** The number it concerns when Meta says (display number digits), else null (whole WABA). */
  phoneNumber: string | null;
  event: string;
  reason: string | null;
  initiatedBy: string | null;
  timestamp: Date;
  raw: unknown;
};

/** message_template_status_update, template_category_update, message_template_quality_update [§10]. */
export type TemplateUpdated = {
  kind: "template.updated";
  wabaId: string;
  templateId: string;
  name: string | null;
  /** Normalised to Meta's REST form, e.g. en_US. */
  language: string | null;
  change:
    | { type: "status"; event: string; reason: string | null; category: string | null }
    | { type: "category"; previous: string | null; next: string | null; correct: string | null }
    | { type: "quality"; previous: string | null; next: string };
  timestamp: Date;
};

/** user_preferences: marketing stop/resume [§4.6]. */
export type PreferenceChanged = Routed & {
  kind: "preference.changed";
  customer: CustomerIdentity;
  category: string;
  value: string;
  timestamp: Date;
};

/** A field or item Tandem does not understand: kept with its raw value, never silently dropped. */
export type Unhandled = { kind: "unhandled"; field: string; reason: string; raw: unknown };

export type DomainEvent =
  | MessageReceived
  | EchoReceived
  | MessageEdited
  | MessageRevoked
  | ReactionReceived
  | StatusUpdated
  | ContactSynced
  | HistoryChunk
  | HistoryDeclined
  | IdentityChanged
  | AccountUpdated
  | TemplateUpdated
  | PreferenceChanged
  | Unhandled;

export type NormalizeFailure = { path: string; reason: string };

export type NormalizeResult = { events: DomainEvent[]; failures: NormalizeFailure[] };
