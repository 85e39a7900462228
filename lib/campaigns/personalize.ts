import type { ContactField, SkipReason } from "./schemas";

export type RecipientContact = {
  phone: string | null;
  username: string | null;
  profile_name: string | null;
  address_book_name: string | null;
};

const FIELD = /\{\{\s*contact\.([a-z_]+)\s*(?:\|([^}]*))?\}\}/g;

export function contactFieldValue(contact: RecipientContact, field: ContactField | string): string {
  const name = (contact.address_book_name ?? contact.profile_name ?? "").trim();
  switch (field) {
    case "name":
      return name;
    case "first_name":
      return name.split(/\s+/)[0] ?? "";
    case "phone":
      return contact.phone ? `+${contact.phone}` : "";
    case "username":
      return contact.username ?? "";
    default:
      return "";
  }
}

/**
 * Fills {{contact.<field>}} (or {{contact.<field>|fallback}}) in a campaign value. Returns null when a field
 * is empty and has no fallback: Meta refuses empty parameters, so that recipient is skipped, not sent.
 */
export function personalize(value: string, contact: RecipientContact): string | null {
  let missing = false;
  const filled = value.replace(FIELD, (_match, field: string, fallback: string | undefined) => {
    const found = contactFieldValue(contact, field).trim();
    if (found) return found;
    if (fallback !== undefined && fallback.trim()) return fallback.trim();
    missing = true;
    return "";
  });
  return missing || !filled.trim() ? null : filled;
}

export function personalizeAll(
  values: Record<string, string>,
  contact: RecipientContact,
): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const filled = personalize(value, contact);
    if (filled === null) return null;
    out[key] = filled;
  }
  return out;
}

/** Contact fields a value refers to that are not known ones (a typo would send the placeholder's fallback). */
export function unknownFields(value: string): string[] {
  const known = new Set(["name", "first_name", "phone", "username"]);
  return [...value.matchAll(FIELD)].map((m) => m[1]!).filter((f) => !known.has(f));
}

/**
 * Who may receive a template of this category (DESIGN.md: campaigns only to contacts with recorded opt-in):
 * MARKETING needs an opt-in that no later opt-out undid; UTILITY and AUTHENTICATION only need no opt-out.
 */
export function skipReasonFor(input: {
  category: string | null;
  consent: "opt_in" | "opt_out" | null;
  hasAddress: boolean;
}): SkipReason | null {
  if (!input.hasAddress) return "no_recipient";
  if (input.consent === "opt_out") return "opted_out";
  if (input.category === "MARKETING" && input.consent !== "opt_in") return "no_opt_in";
  return null;
}

/** The consent category a template's category is checked against. */
export function consentCategoryOf(templateCategory: string | null): string {
  return (templateCategory ?? "UTILITY").toLowerCase();
}
