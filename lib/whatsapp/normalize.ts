import type { z } from "zod";
import type { CustomerIdentity, DomainEvent, NormalizeFailure, NormalizeResult } from "./events";
import { envelope, inboundMessage, messagesValue, webhookContact, type WebhookContact } from "./payloads";

/**
 * Pure: a parsed webhook body → domain events. One bad item fails alone (recorded in `failures`)
 * while its siblings still produce events (PROTOCOL.md §1.3 "batching").
 */
export function normalizeWebhook(body: unknown): NormalizeResult {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return { events: [], failures: [{ path: "$", reason: describe(parsed.error) }] };
  const events: DomainEvent[] = [];
  const failures: NormalizeFailure[] = [];
  parsed.data.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      const path = `entry[${e}].changes[${c}]`;
      if (change.field === "messages") {
        normalizeMessages(entry.id, change.value, path, events, failures);
      } else {
        events.push({
          kind: "unhandled",
          field: change.field,
          reason: `field "${change.field}" is not applied yet`,
        });
      }
    });
  });
  return { events, failures };
}

function normalizeMessages(
  wabaId: string,
  raw: unknown,
  path: string,
  events: DomainEvent[],
  failures: NormalizeFailure[],
) {
  const value = messagesValue.safeParse(raw);
  if (!value.success) {
    failures.push({ path: `${path}.value`, reason: describe(value.error) });
    return;
  }
  const phoneNumberId = value.data.metadata.phone_number_id;
  const contacts = (value.data.contacts ?? []).flatMap((item) => {
    const contact = webhookContact.safeParse(item);
    return contact.success ? [contact.data] : [];
  });
  (value.data.messages ?? []).forEach((item, i) => {
    const message = inboundMessage.safeParse(item);
    if (!message.success) {
      failures.push({ path: `${path}.value.messages[${i}]`, reason: describe(message.error) });
      return;
    }
    const m = message.data;
    const customer = identityOf(m.from, m.from_user_id, m.from_parent_user_id, contacts);
    if (!customer.bsuid && !customer.phone) {
      failures.push({
        path: `${path}.value.messages[${i}]`,
        reason: "message has neither from nor from_user_id",
      });
      return;
    }
    const typed = (m as Record<string, unknown>)[m.type];
    events.push({
      kind: "message.received",
      wabaId,
      phoneNumberId,
      wamid: m.id,
      customer,
      timestamp: new Date(m.timestamp * 1000),
      type: m.type,
      text: m.text?.body ?? captionOf(typed),
      content: typed ?? null,
      replyToWamid: m.context?.id ?? null,
    });
  });
  if ((value.data.statuses ?? []).length > 0) {
    events.push({ kind: "unhandled", field: "messages.statuses", reason: "statuses are not applied yet" });
  }
}

function identityOf(
  from: string | undefined,
  userId: string | undefined,
  parentUserId: string | undefined,
  contacts: WebhookContact[],
): CustomerIdentity {
  const contact =
    contacts.find((c) => (userId && c.user_id === userId) || (from && c.wa_id === from)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  return compact({
    bsuid: userId ?? contact?.user_id,
    parentBsuid: parentUserId ?? contact?.parent_user_id,
    phone: from ?? contact?.wa_id,
    username: contact?.profile?.username,
    profileName: contact?.profile?.name,
  });
}

function captionOf(typed: unknown): string | null {
  if (typed && typeof typed === "object" && "caption" in typed && typeof typed.caption === "string") {
    return typed.caption;
  }
  return null;
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}
