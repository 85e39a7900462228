// Pure builders for every webhook the simulator sends, written from PROTOCOL.md §1.4–§5 and §10.
// Ids and timestamps are always inputs, so a builder is deterministic and can be checked against a fixture.

export type Biz = { wabaId: string; phoneNumberId: string; displayNumber: string };

/** A WhatsApp user as Meta would describe them to this business. `phone` absent = hidden (username, §4.2). */
export type Person = {
  name: string;
  phone?: string;
  username?: string;
  bsuid: string;
  parentBsuid?: string;
};

export type Change = { field: string; value: Record<string, unknown> };
export type Entry = { id: string; time?: number; changes: Change[] };
export type Envelope = { object: "whatsapp_business_account"; entry: Entry[] };

export type MediaRef = { id: string; mimeType: string; sha256: string; url?: string };

export type SharedContact = {
  formattedName: string;
  firstName?: string;
  lastName?: string;
  phones?: Array<{ phone: string; waId?: string; type?: string }>;
  emails?: Array<{ email: string; type?: string }>;
  org?: { company?: string; title?: string };
  origin?: "contact_request" | "other";
  vcard?: string;
};

export type ErrorObject = {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
};

/** Message content shared by inbound messages, echoes and history. */
export type Content =
  | { type: "text"; body: string }
  | { type: "image" | "video"; media: MediaRef; caption?: string }
  | { type: "audio"; media: MediaRef; voice: boolean }
  | { type: "document"; media: MediaRef; filename: string; caption?: string }
  | { type: "sticker"; media: MediaRef; animated: boolean }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { type: "contacts"; contacts: SharedContact[] }
  | { type: "button_reply"; id: string; title: string }
  | { type: "list_reply"; id: string; title: string; description?: string }
  /** WhatsApp Flows answer (§2): `response_json` is a JSON *string*; Meta sends body "Sent", name "flow". */
  | { type: "nfm_reply"; responseJson: string; body: string; name: string }
  | { type: "button"; payload: string; text: string }
  | { type: "reaction"; messageId: string; emoji: string }
  | { type: "edit"; originalMessageId: string; message: Content }
  | { type: "revoke"; originalMessageId: string }
  | { type: "unsupported"; code: 131051 | 131060; unsupportedType?: string };

export type ContentType = Content["type"];

export type Referral = {
  sourceUrl: string;
  sourceId: string;
  sourceType: "ad" | "post";
  headline?: string;
  body?: string;
  mediaType?: "image" | "video";
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  ctwaClid: string;
  welcomeMessage?: string;
};

export type Context = { from: string; id: string } | { forwarded: true } | { frequently_forwarded: true };

export const ERROR_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

export function envelope(entries: Entry[]): Envelope {
  return { object: "whatsapp_business_account", entry: entries };
}

export function singleChange(
  wabaId: string,
  field: string,
  value: Record<string, unknown>,
  time?: number,
): Envelope {
  const entry: Entry = { id: wabaId, changes: [{ value, field }] };
  if (time !== undefined) entry.time = time;
  return envelope([entry]);
}

export function metadata(biz: Biz): { display_phone_number: string; phone_number_id: string } {
  return { display_phone_number: biz.displayNumber, phone_number_id: biz.phoneNumberId };
}

/** The `contacts[]` item describing a user (§2, §4.2). */
export function contactBlock(p: Person, opts: { username?: boolean } = {}): Record<string, unknown> {
  const profile: Record<string, unknown> = { name: p.name };
  if (p.username && opts.username !== false) profile.username = p.username;
  const c: Record<string, unknown> = { profile };
  if (p.phone) c.wa_id = p.phone;
  c.user_id = p.bsuid;
  if (p.parentBsuid) c.parent_user_id = p.parentBsuid;
  return c;
}

export function errorObject(code: number, title: string, details: string, withHref = false): ErrorObject {
  const e: ErrorObject = { code, title, message: title, error_data: { details } };
  if (withHref) e.href = ERROR_HREF;
  return e;
}

/** `{type, <type>: {...}}` for a piece of content, as Meta nests it. */
export function contentObject(c: Content): Record<string, unknown> {
  switch (c.type) {
    case "text":
      return { type: "text", text: { body: c.body } };
    case "image":
    case "video":
      return {
        type: c.type,
        [c.type]: media(c.media, c.caption === undefined ? {} : { caption: c.caption }),
      };
    case "audio":
      return { type: "audio", audio: media(c.media, { voice: c.voice }) };
    case "document":
      return {
        type: "document",
        document: media(c.media, {
          ...(c.caption === undefined ? {} : { caption: c.caption }),
          filename: c.filename,
        }),
      };
    case "sticker":
      return { type: "sticker", sticker: media(c.media, { animated: c.animated }) };
    case "location": {
      const loc: Record<string, unknown> = { latitude: c.latitude, longitude: c.longitude };
      if (c.name !== undefined) loc.name = c.name;
      if (c.address !== undefined) loc.address = c.address;
      return { type: "location", location: loc };
    }
    case "contacts":
      return { type: "contacts", contacts: c.contacts.map(sharedContact) };
    case "button_reply":
      return {
        type: "interactive",
        interactive: { type: "button_reply", button_reply: { id: c.id, title: c.title } },
      };
    case "list_reply": {
      const reply: Record<string, unknown> = { id: c.id, title: c.title };
      if (c.description !== undefined) reply.description = c.description;
      return { type: "interactive", interactive: { type: "list_reply", list_reply: reply } };
    }
    case "nfm_reply":
      return {
        type: "interactive",
        interactive: {
          type: "nfm_reply",
          nfm_reply: { response_json: c.responseJson, body: c.body, name: c.name },
        },
      };
    case "button":
      return { type: "button", button: { payload: c.payload, text: c.text } };
    case "reaction":
      return { type: "reaction", reaction: { message_id: c.messageId, emoji: c.emoji } };
    case "edit":
      return {
        type: "edit",
        edit: { original_message_id: c.originalMessageId, message: contentObject(c.message) },
      };
    case "revoke":
      return { type: "revoke", revoke: { original_message_id: c.originalMessageId } };
    case "unsupported": {
      const out: Record<string, unknown> = { type: "unsupported" };
      if (c.unsupportedType) out.unsupported = { type: c.unsupportedType };
      out.errors = [
        c.code === 131060
          ? errorObject(
              131060,
              "Message from unsupported device or first contact",
              "This message was received on the WhatsApp Business app. Open the app to see it.",
            )
          : errorObject(131051, "Message type unknown", "Message type is currently not supported."),
      ];
      return out;
    }
  }
}

// ---------- messages: inbound ----------

export type InboundInput = {
  id: string;
  timestamp: string;
  content: Content;
  context?: Context;
  referral?: Referral;
};

/** The `messages[]` item for something the user sent (§2). */
export function inboundMessageItem(p: Person, m: InboundInput): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  if (m.context) item.context = m.context;
  if (p.phone) item.from = p.phone;
  item.from_user_id = p.bsuid;
  if (p.parentBsuid) item.from_parent_user_id = p.parentBsuid;
  item.id = m.id;
  item.timestamp = m.timestamp;
  Object.assign(item, contentObject(m.content));
  if (m.referral) item.referral = referral(m.referral);
  return item;
}

export function inboundMessage(biz: Biz, p: Person, m: InboundInput): Envelope {
  return singleChange(biz.wabaId, "messages", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    contacts: [contactBlock(p)],
    messages: [inboundMessageItem(p, m)],
  });
}

// ---------- messages: statuses ----------

export type StatusName = "sent" | "delivered" | "read" | "played" | "failed";
export type Pricing = {
  billable: boolean;
  pricing_model: "PMP";
  type: "regular" | "free_customer_service" | "free_entry_point";
  category: "marketing" | "utility" | "authentication" | "authentication_international" | "service";
};

export type StatusInput = {
  id: string;
  status: StatusName;
  timestamp: string;
  /** How the business addressed the send: decides whether recipient_user_id is kept on failures (§3). */
  sentTo: "phone" | "bsuid";
  bizOpaqueCallbackData?: string;
  pricing?: Pricing;
  errors?: ErrorObject[];
};

export function statusUpdate(biz: Biz, p: Person, s: StatusInput): Envelope {
  const item: Record<string, unknown> = { id: s.id, status: s.status, timestamp: s.timestamp };
  if (p.phone) item.recipient_id = p.phone;
  if (!(s.status === "failed" && s.sentTo === "phone")) item.recipient_user_id = p.bsuid;
  if (p.parentBsuid && s.status !== "failed") item.recipient_parent_user_id = p.parentBsuid;
  if (s.bizOpaqueCallbackData !== undefined) item.biz_opaque_callback_data = s.bizOpaqueCallbackData;
  if (s.pricing && s.status !== "failed") item.pricing = s.pricing;
  if (s.errors) item.errors = s.errors;
  const value: Record<string, unknown> = { messaging_product: "whatsapp", metadata: metadata(biz) };
  // BSUID era: contacts on sent/delivered/read, username only once delivered, none on failed (§3).
  if (s.status !== "failed") value.contacts = [contactBlock(p, { username: s.status !== "sent" })];
  value.statuses = [item];
  return singleChange(biz.wabaId, "messages", value);
}

export function pricingFor(
  kind: "service" | "marketing" | "utility" | "authentication",
  windowOpen: boolean,
  freeEntryPoint = false,
): Pricing {
  if (freeEntryPoint)
    return { billable: false, pricing_model: "PMP", type: "free_entry_point", category: kind };
  if (kind === "service")
    return { billable: false, pricing_model: "PMP", type: "free_customer_service", category: "service" };
  if (kind === "utility" && windowOpen)
    return { billable: false, pricing_model: "PMP", type: "free_customer_service", category: "utility" };
  return { billable: true, pricing_model: "PMP", type: "regular", category: kind };
}

// ---------- smb_message_echoes ----------

export type EchoInput = { id: string; timestamp: string; content?: Content; errors?: ErrorObject[] };

export function echoItem(biz: Biz, p: Person, e: EchoInput): Record<string, unknown> {
  const item: Record<string, unknown> = { from: biz.displayNumber };
  if (p.phone) item.to = p.phone;
  item.to_user_id = p.bsuid;
  if (p.parentBsuid) item.to_parent_user_id = p.parentBsuid;
  item.id = e.id;
  item.timestamp = e.timestamp;
  if (e.content) Object.assign(item, contentObject(e.content));
  if (e.errors) item.errors = e.errors;
  return item;
}

export function messageEcho(biz: Biz, p: Person, e: EchoInput): Envelope {
  return singleChange(biz.wabaId, "smb_message_echoes", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    contacts: [contactBlock(p)],
    message_echoes: [echoItem(biz, p, e)],
  });
}

export const ECHO_CONTENT_UNAVAILABLE: ErrorObject = errorObject(
  131000,
  "Something went wrong",
  "Message content could not be mirrored from the WhatsApp Business app.",
);

// ---------- history ----------

export type HistoryStatus = "SENT" | "DELIVERED" | "READ" | "PLAYED" | "PENDING" | "ERROR";
export type HistoryMessage = {
  id: string;
  timestamp: string;
  direction: "inbound" | "outbound";
  /** Omitted = `media_placeholder` (media always arrives as a placeholder in chunks, §5.4). */
  content?: Content;
  status: HistoryStatus;
};
export type HistoryThread = { person: Person; messages: HistoryMessage[] };
export type HistoryChunkInput = {
  phase: 0 | 1 | 2;
  chunkOrder: number;
  progress: number;
  threads: HistoryThread[];
};

export function historyChunk(biz: Biz, c: HistoryChunkInput): Envelope {
  return singleChange(biz.wabaId, "history", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    history: [
      {
        metadata: { phase: c.phase, chunk_order: c.chunkOrder, progress: c.progress },
        threads: c.threads.map((t) => historyThread(biz, t)),
      },
    ],
  });
}

function historyThread(biz: Biz, t: HistoryThread): Record<string, unknown> {
  const p = t.person;
  const ctx: Record<string, unknown> = {};
  if (p.phone) ctx.wa_id = p.phone;
  ctx.user_id = p.bsuid;
  if (p.parentBsuid) ctx.parent_user_id = p.parentBsuid;
  if (p.username) ctx.username = p.username;
  const thread: Record<string, unknown> = {};
  if (p.phone) thread.id = p.phone;
  thread.context = ctx;
  thread.messages = t.messages.map((m) => {
    const item: Record<string, unknown> = {};
    if (m.direction === "inbound") {
      if (p.phone) item.from = p.phone;
      item.from_user_id = p.bsuid;
    } else {
      item.from = biz.displayNumber;
      if (p.phone) item.to = p.phone;
    }
    item.id = m.id;
    item.timestamp = m.timestamp;
    Object.assign(item, m.content ? contentObject(m.content) : { type: "media_placeholder" });
    item.history_context = { status: m.status };
    return item;
  });
  return thread;
}

/** The follow-up that carries real media for a placeholder from the last 14 days (same wamid). */
export function historyMedia(
  biz: Biz,
  p: Person,
  m: { id: string; timestamp: string; direction: "inbound" | "outbound"; content: Content },
): Envelope {
  const value: Record<string, unknown> = {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    contacts: [contactBlock(p)],
  };
  if (m.direction === "inbound") {
    value.messages = [inboundMessageItem(p, { id: m.id, timestamp: m.timestamp, content: m.content })];
  } else {
    value.message_echoes = [echoItem(biz, p, { id: m.id, timestamp: m.timestamp, content: m.content })];
  }
  return singleChange(biz.wabaId, "history", value);
}

export function historyDeclined(biz: Biz): Envelope {
  return singleChange(biz.wabaId, "history", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    history: [
      {
        errors: [
          errorObject(
            2593109,
            "History sync is turned off by the business on the WhatsApp Business app",
            "The business declined to share chat history with this partner.",
          ),
        ],
      },
    ],
  });
}

// ---------- smb_app_state_sync ----------

export type StateSyncItem = {
  action: "add" | "remove";
  timestamp: string;
  contact: {
    fullName?: string;
    firstName?: string;
    phone?: string;
    bsuid?: string;
    parentBsuid?: string;
    username?: string;
  };
};

export function stateSync(biz: Biz, items: StateSyncItem[]): Envelope {
  return singleChange(biz.wabaId, "smb_app_state_sync", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    state_sync: items.map((i) => {
      const c = i.contact;
      const contact: Record<string, unknown> = {};
      // `remove` omits the names (§5.3).
      if (i.action === "add" && c.fullName !== undefined) contact.full_name = c.fullName;
      if (i.action === "add" && c.firstName !== undefined) contact.first_name = c.firstName;
      if (c.phone !== undefined) contact.phone_number = c.phone;
      if (c.bsuid !== undefined) contact.user_id = c.bsuid;
      if (c.parentBsuid !== undefined) contact.parent_user_id = c.parentBsuid;
      if (c.username !== undefined) contact.username = c.username;
      return { type: "contact", contact, action: i.action, metadata: { timestamp: i.timestamp } };
    }),
  });
}

// ---------- identity changes (§4.5) ----------

export function userChangedNumber(
  biz: Biz,
  s: {
    id: string;
    timestamp: string;
    oldPhone: string;
    newPhone?: string;
    newBsuid: string;
    previousBsuid: string;
    newParentBsuid?: string;
    previousParentBsuid?: string;
  },
): Envelope {
  const system: Record<string, unknown> = {
    body: `User ${s.oldPhone} changed to ${s.newPhone ?? "a new number"}`,
    type: "user_changed_number",
  };
  if (s.newPhone) system.wa_id = s.newPhone;
  system.user_id = s.newBsuid;
  if (s.newParentBsuid) system.parent_user_id = s.newParentBsuid;
  system.previous_user_id = s.previousBsuid;
  if (s.previousParentBsuid) system.previous_parent_user_id = s.previousParentBsuid;
  return singleChange(biz.wabaId, "messages", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    messages: [{ from: s.oldPhone, id: s.id, timestamp: s.timestamp, type: "system", system }],
  });
}

export function userChangedUserId(
  biz: Biz,
  s: {
    id: string;
    timestamp: string;
    newBsuid: string;
    previousBsuid: string;
    newParentBsuid?: string;
    previousParentBsuid?: string;
  },
): Envelope {
  const system: Record<string, unknown> = {
    body: "User changed their WhatsApp account",
    type: "user_changed_user_id",
  };
  system.user_id = s.newBsuid;
  if (s.newParentBsuid) system.parent_user_id = s.newParentBsuid;
  system.previous_user_id = s.previousBsuid;
  if (s.previousParentBsuid) system.previous_parent_user_id = s.previousParentBsuid;
  return singleChange(biz.wabaId, "messages", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    messages: [{ from_user_id: s.previousBsuid, id: s.id, timestamp: s.timestamp, type: "system", system }],
  });
}

/** The March–June 2026 `user_id_update` field; Meta later said it is not subscribable (§4.5 [conflict]). */
export function userIdUpdate(
  biz: Biz,
  u: {
    timestamp: string;
    waId?: string;
    previous: string;
    current: string;
    parentBsuid?: string;
    detail?: string;
  },
): Envelope {
  const item: Record<string, unknown> = {};
  if (u.waId) item.wa_id = u.waId;
  item.detail = u.detail ?? "User changed phone number";
  item.user_id = { previous: u.previous, current: u.current };
  if (u.parentBsuid) item.parent_user_id = u.parentBsuid;
  item.timestamp = u.timestamp;
  return singleChange(biz.wabaId, "user_id_update", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    user_id_update: [item],
  });
}

// ---------- account_update (§5.5) ----------

export type DisconnectReason =
  | "PRIMARY_INACTIVITY"
  | "COMPANION_INACTIVITY"
  | "ACCOUNT_DISCONNECTED"
  | "BUSINESS_DOWNGRADE"
  | "CHANGE_NUMBER"
  | "USER_RE_REGISTERED";

export type AccountEvent = "PARTNER_REMOVED" | "ACCOUNT_OFFBOARDED" | "ACCOUNT_RECONNECTED";

export function accountUpdate(
  biz: Biz,
  a: { time: number; event: AccountEvent; reason?: DisconnectReason; initiatedBy?: "SYSTEM" | "USER" },
): Envelope {
  const value: Record<string, unknown> = { phone_number: biz.displayNumber, event: a.event };
  if (a.event === "PARTNER_REMOVED") {
    const reason = a.reason ?? "PRIMARY_INACTIVITY";
    value.disconnection_info = { reason, initiated_by: a.initiatedBy ?? defaultInitiator(reason) };
  }
  return singleChange(biz.wabaId, "account_update", value, a.time);
}

function defaultInitiator(reason: DisconnectReason): "SYSTEM" | "USER" {
  return reason === "ACCOUNT_DISCONNECTED" || reason === "BUSINESS_DOWNGRADE" || reason === "CHANGE_NUMBER"
    ? "USER"
    : "SYSTEM";
}

// ---------- templates (§10) ----------

export type TemplateEvent =
  | "APPROVED"
  | "REJECTED"
  | "PENDING"
  | "PAUSED"
  | "DISABLED"
  | "FLAGGED"
  | "IN_APPEAL"
  | "LIMIT_EXCEEDED"
  | "LOCKED"
  | "ARCHIVED"
  | "UNARCHIVED"
  | "REINSTATED"
  | "DELETED"
  | "PENDING_DELETION";

export type TemplateRef = { templateId: number; name: string; language: string; category: string };

export function templateStatusUpdate(
  wabaId: string,
  t: TemplateRef & { time: number; event: TemplateEvent; reason?: string; recommendation?: string },
): Envelope {
  const value: Record<string, unknown> = {
    event: t.event,
    message_template_id: t.templateId,
    message_template_name: t.name,
    message_template_language: t.language,
    reason: t.reason ?? "NONE",
    message_template_category: t.category,
  };
  if (t.event === "REJECTED") {
    value.rejection_info = {
      reason: t.reason ?? "INVALID_FORMAT",
      recommendation: t.recommendation ?? "Review the template guidelines and submit again.",
    };
  }
  return singleChange(wabaId, "message_template_status_update", value, t.time);
}

export function templateCategoryUpdate(
  wabaId: string,
  t: Omit<TemplateRef, "category"> & { time: number; previousCategory: string; newCategory: string },
): Envelope {
  return singleChange(
    wabaId,
    "template_category_update",
    {
      message_template_id: t.templateId,
      message_template_name: t.name,
      message_template_language: t.language,
      previous_category: t.previousCategory,
      new_category: t.newCategory,
    },
    t.time,
  );
}

export type QualityScore = "GREEN" | "YELLOW" | "RED" | "UNKNOWN";

/** `message_template_quality_update` (§10). Like the other template fields: no metadata, entry.time set. */
export function templateQualityUpdate(
  wabaId: string,
  t: Omit<TemplateRef, "category"> & { time: number; previousScore: QualityScore; newScore: QualityScore },
): Envelope {
  return singleChange(
    wabaId,
    "message_template_quality_update",
    {
      previous_quality_score: t.previousScore,
      new_quality_score: t.newScore,
      message_template_id: t.templateId,
      message_template_name: t.name,
      message_template_language: t.language,
    },
    t.time,
  );
}

// ---------- user_preferences (§4.6) ----------

export type MarketingPreference = "stop" | "resume";

/**
 * The user stopped or resumed marketing messages. Unlike `messages`, Meta's reference prints this
 * `timestamp` as an integer; the BSUID fields follow §4.6 (`wa_id` only when the phone is shareable).
 */
export function userPreferences(
  biz: Biz,
  p: Person,
  u: { timestamp: number; value: MarketingPreference; detail?: string },
): Envelope {
  const item: Record<string, unknown> = {};
  if (p.phone) item.wa_id = p.phone;
  item.user_id = p.bsuid;
  if (p.parentBsuid) item.parent_user_id = p.parentBsuid;
  item.detail = u.detail ?? `User requested to ${u.value} marketing messages`;
  item.category = "marketing_messages";
  item.value = u.value;
  item.timestamp = u.timestamp;
  return singleChange(biz.wabaId, "user_preferences", {
    messaging_product: "whatsapp",
    metadata: metadata(biz),
    contacts: [contactBlock(p)],
    user_preferences: [item],
  });
}

// ---------- batching ----------

/** Several envelopes as one POST: all entries side by side, or changes merged per WABA entry (§1.3). */
export function batch(envs: Envelope[], mode: "entries" | "changes"): Envelope {
  const entries = envs.flatMap((e) => e.entry);
  if (mode === "entries") return envelope(entries);
  const byId = new Map<string, Entry>();
  for (const e of entries) {
    const existing = byId.get(e.id);
    if (existing) existing.changes.push(...e.changes);
    else byId.set(e.id, { ...e, changes: [...e.changes] });
  }
  return envelope([...byId.values()]);
}

// ---------- helpers ----------

function media(m: MediaRef, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ("caption" in extra) out.caption = extra.caption;
  if ("filename" in extra) out.filename = extra.filename;
  out.mime_type = m.mimeType;
  out.sha256 = m.sha256;
  out.id = m.id;
  if (m.url !== undefined) out.url = m.url;
  if ("voice" in extra) out.voice = extra.voice;
  if ("animated" in extra) out.animated = extra.animated;
  return out;
}

function sharedContact(c: SharedContact): Record<string, unknown> {
  const name: Record<string, unknown> = { formatted_name: c.formattedName };
  if (c.firstName !== undefined) name.first_name = c.firstName;
  if (c.lastName !== undefined) name.last_name = c.lastName;
  const out: Record<string, unknown> = { name };
  if (c.phones) {
    out.phones = c.phones.map((ph) => {
      const o: Record<string, unknown> = { phone: ph.phone };
      if (ph.waId !== undefined) o.wa_id = ph.waId;
      o.type = ph.type ?? "CELL";
      return o;
    });
  }
  if (c.emails) out.emails = c.emails.map((e) => ({ email: e.email, type: e.type ?? "WORK" }));
  if (c.org) out.org = c.org;
  if (c.origin) out.origin = c.origin;
  if (c.vcard !== undefined) out.vcard = c.vcard;
  return out;
}

function referral(r: Referral): Record<string, unknown> {
  const out: Record<string, unknown> = {
    source_url: r.sourceUrl,
    source_id: r.sourceId,
    source_type: r.sourceType,
  };
  if (r.headline !== undefined) out.headline = r.headline;
  if (r.body !== undefined) out.body = r.body;
  if (r.mediaType !== undefined) out.media_type = r.mediaType;
  if (r.imageUrl !== undefined) out.image_url = r.imageUrl;
  if (r.videoUrl !== undefined) out.video_url = r.videoUrl;
  if (r.thumbnailUrl !== undefined) out.thumbnail_url = r.thumbnailUrl;
  out.ctwa_clid = r.ctwaClid;
  if (r.welcomeMessage !== undefined) out.welcome_message = { text: r.welcomeMessage };
  return out;
}
