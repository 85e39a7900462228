import type { AttributeDefinitionDto } from "@/lib/contacts/schemas";
import type { TimelineEventDto } from "@/lib/conversations/schemas";

// Pure helpers of the contact panel: what the bot collected, the notes, names in the order agents trust.

export type Collected = { summary: string | null; fields: [string, string][]; at: string };

/** The latest bot handoff's summary and fields (events come newest first from GET …/events). */
export function collectedByBot(events: TimelineEventDto[]): Collected | null {
  const handoff = events.find((e) => e.type === "handoff");
  if (!handoff) return null;
  const data = (handoff.data ?? {}) as { summary?: unknown; fields?: unknown };
  const fields =
    data.fields && typeof data.fields === "object"
      ? Object.entries(data.fields as Record<string, unknown>)
          .filter(([, v]) => v !== null && v !== undefined && String(v).trim() !== "")
          .map(([k, v]): [string, string] => [k, String(v)])
      : [];
  const summary = typeof data.summary === "string" && data.summary.trim() ? data.summary : null;
  return { summary, fields, at: handoff.at };
}

/** Private notes of the conversation, newest first. */
export function notesOf(events: TimelineEventDto[]) {
  return events
    .filter((e) => e.type === "note")
    .map((e) => ({
      id: e.id,
      author: e.actor_name ?? "Someone",
      body:
        typeof (e.data as { body?: unknown } | null)?.body === "string"
          ? (e.data as { body: string }).body
          : "",
      at: e.at,
    }));
}

/** Names to show, most trusted first: the owner's address book, then the customer's own profile name. */
export function namesOf(contact: {
  address_book_name: string | null;
  profile_name: string | null;
}): { label: string; value: string }[] {
  const names: { label: string; value: string }[] = [];
  if (contact.address_book_name) names.push({ label: "Address book", value: contact.address_book_name });
  if (contact.profile_name && contact.profile_name !== contact.address_book_name)
    names.push({ label: "WhatsApp profile", value: contact.profile_name });
  return names;
}

/** "order_number" → "Order number". */
export function fieldLabel(key: string): string {
  const words = key.replaceAll(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A custom attribute definition as GET /api/v1/contact-attributes returns it. */
export type AttributeDefinition = AttributeDefinitionDto;

// The panel reads active definitions; the admin page all of them. Invalidating the root refreshes both.
export const attributeKeys = {
  root: ["contact-attributes"] as const,
  active: ["contact-attributes", "active"] as const,
  all: ["contact-attributes", "all"] as const,
};

/** A stored value as an input's text ("" when unset). */
export function attributeDraft(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/**
 * An input's text as the API value: "" clears, numbers go as numbers when they read as one (anything else
 * goes as typed, so the server's 422 names the field), the rest as text.
 */
export function attributeToApi(def: Pick<AttributeDefinition, "type">, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (def.type === "number") return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  return trimmed;
}
