import type { z } from "zod";
import type {
  CustomerIdentity,
  DomainEvent,
  MessageContent,
  MetaError,
  NormalizeFailure,
  Unhandled,
} from "./events";
import type { RawMetaError, WebhookContact } from "./payloads";

// Helpers shared by the normalize-*.ts files: the result sink, per-item parsing, identity, errors, content.

export type Sink = { events: DomainEvent[]; failures: NormalizeFailure[] };

/** What a change's items share: routing (§1.4), the business number, the value-level contacts block. */
export type Scope = {
  wabaId: string;
  phoneNumberId: string;
  /** metadata.display_phone_number, digits only; decides the direction of history messages (§5.4). */
  businessNumber?: string;
  contacts: WebhookContact[];
  /**
   * For payloads without a timestamp of their own (account_update, templates, …): `entry[].time` when
   * present, else the epoch. Never the clock, so that normalizing the same body twice gives the same events.
   */
  fallbackTime: Date;
};

/** What one item turns into: an event, nothing (the handler pushed its own), or a failure reason. */
export type ItemResult = DomainEvent | string | undefined;

/**
 * Parses each item of `list` on its own: a bad item adds `{ path, reason }` to failures and its siblings
 * still produce events (§1.3 batching). `raw` is the item as received, for content kept whole.
 */
export function eachItem<S extends z.ZodType>(
  sink: Sink,
  list: unknown[] | undefined,
  path: string,
  schema: S,
  apply: (item: z.output<S>, path: string, raw: Record<string, unknown>) => ItemResult,
): void {
  (list ?? []).forEach((raw, i) => {
    const itemPath = `${path}[${i}]`;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      sink.failures.push({ path: itemPath, reason: describe(parsed.error) });
      return;
    }
    guarded(sink, itemPath, () => {
      const result = apply(parsed.data, itemPath, raw as Record<string, unknown>);
      if (typeof result === "string") sink.failures.push({ path: itemPath, reason: result });
      else if (result) sink.events.push(result);
    });
  });
}

/** A bug in one mapping must not lose the batch: record it as that item's failure. */
export function guarded(sink: Sink, path: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    sink.failures.push({ path, reason: `unexpected error: ${(error as Error)?.message ?? String(error)}` });
  }
}

export function unhandled(field: string, reason: string, raw: unknown): Unhandled {
  return { kind: "unhandled", field, reason, raw };
}

export function describe(error: z.ZodError, prefix = ""): string {
  return error.issues
    .slice(0, 3)
    .map(
      (issue) =>
        `${[prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)"}: ${issue.message}`,
    )
    .join("; ");
}

export function fromSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------- identity (§4) ----------

/** Digits only: Meta sends `16315551181`, vCards and some BSPs `+1 631-555-1181`. */
export function toPhone(raw: string | undefined): string | undefined {
  const digits = raw?.replace(/\D/g, "");
  return digits ? digits : undefined;
}

export function hasIdentity(identity: CustomerIdentity): boolean {
  return Boolean(identity.bsuid || identity.phone);
}

/**
 * The customer of an item: its own phone/BSUID fields first, completed by the value's `contacts[]` entry
 * matched on user_id, then wa_id, else the only entry (when it does not contradict the item).
 */
export function identityOf(
  phoneRaw: string | undefined,
  userId: string | undefined,
  parentUserId: string | undefined,
  contacts: WebhookContact[],
): CustomerIdentity {
  const phone = toPhone(phoneRaw);
  const contact =
    (userId ? contacts.find((c) => c.user_id === userId) : undefined) ??
    (phone ? contacts.find((c) => toPhone(c.wa_id) === phone) : undefined) ??
    onlyCompatible(contacts, phone, userId);
  return compact({
    bsuid: userId ?? contact?.user_id,
    parentBsuid: parentUserId ?? contact?.parent_user_id,
    phone: phone ?? toPhone(contact?.wa_id),
    username: contact?.profile?.username,
    profileName: contact?.profile?.name,
  });
}

function onlyCompatible(
  contacts: WebhookContact[],
  phone: string | undefined,
  userId: string | undefined,
): WebhookContact | undefined {
  const only = contacts.length === 1 ? contacts[0] : undefined;
  if (!only) return undefined;
  if (userId && only.user_id && only.user_id !== userId) return undefined;
  if (phone && only.wa_id && toPhone(only.wa_id) !== phone) return undefined;
  return only;
}

/** Drops undefined and empty-string values, so identities carry only what Meta said. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;
}

// ---------- errors (§2, §3) ----------

export function toMetaError(raw: RawMetaError): MetaError {
  return compact({
    code: raw.code ?? 0,
    title: raw.title ?? raw.message ?? "",
    message: raw.message,
    details: raw.error_data?.details ?? raw.details,
    href: raw.href,
  });
}

export function toMetaErrors(raw: RawMetaError[] | undefined): MetaError[] {
  return (raw ?? []).map(toMetaError);
}

// ---------- content (§2 table) ----------

/** Types whose `<type>` object is the content. Anything else is unknown: the whole item is kept. */
const KNOWN_TYPES = new Set([
  "text",
  "image",
  "video",
  "audio",
  "document",
  "sticker",
  "location",
  "contacts",
  "interactive",
  "button",
  "order",
  "reaction",
  "edit",
  "revoke",
  "system",
  "unsupported",
  "errors",
  "unknown",
  "media_placeholder",
]);

/** `{type, text, content}` of a message item (or of the nested message of an edit). */
export function contentOf(item: Record<string, unknown>, type: string): MessageContent {
  const typed = item[type];
  return {
    type,
    text: textOf(type, typed),
    content: KNOWN_TYPES.has(type) ? (typed ?? null) : item,
  };
}

function textOf(type: string, typed: unknown): string | null {
  if (!isRecord(typed)) return null;
  switch (type) {
    case "text":
      return stringOrNull(typed.body);
    case "button":
      return stringOrNull(typed.text);
    case "interactive": {
      const reply = typeof typed.type === "string" ? typed[typed.type] : undefined;
      return isRecord(reply) ? stringOrNull(reply.title) : null;
    }
    case "system":
      return stringOrNull(typed.body);
    default:
      return stringOrNull(typed.caption);
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
