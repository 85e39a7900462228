import { z } from "zod";
import { ValidationError } from "@/lib/errors";

// Custom contact attributes: the inputs the verbs validate and the one value check the API, the CSV import
// and (by the same rules) the contact panel share. Pure: no database.

export const attributeTypes = ["text", "number", "date", "boolean", "select"] as const;
export type AttributeType = (typeof attributeTypes)[number];
export type AttributeValue = string | number | boolean;

/** Operators of a condition on an attribute (campaign segments, the contacts list); which fit depends on its type. */
export const ATTRIBUTE_OPS = ["eq", "neq", "in", "gt", "lt", "is_set", "not_set"] as const;
export type AttributeOp = (typeof ATTRIBUTE_OPS)[number];
// Ordering makes sense for numbers and dates only; "in" for the types whose values are words.
export const ATTRIBUTE_OPS_BY_TYPE: Record<AttributeType, readonly AttributeOp[]> = {
  text: ["eq", "neq", "in", "is_set", "not_set"],
  number: ["eq", "neq", "gt", "lt", "is_set", "not_set"],
  date: ["eq", "neq", "gt", "lt", "is_set", "not_set"],
  boolean: ["eq", "neq", "is_set", "not_set"],
  select: ["eq", "neq", "in", "is_set", "not_set"],
};

export type AttributeDefinitionDto = {
  id: string;
  key: string;
  label: string;
  type: AttributeType;
  options: string[];
  position: number;
  archived: boolean;
  created_at: string;
};

const TEXT_MAX = 500;

export const attributeKey = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, "must be a slug: lower-case letters, digits and _, starting with a letter");

const attributeOptions = z
  .array(z.string().trim().min(1, "is empty").max(100))
  .max(100)
  .refine((o) => new Set(o.map((v) => v.toLowerCase())).size === o.length, "must not repeat an option");

export const createAttributeInput = z
  .object({
    // Derived from the label when left out ("Renewal date" → renewal_date).
    key: attributeKey.optional(),
    label: z.string().trim().min(1, "is empty").max(80),
    type: z.enum(attributeTypes),
    options: attributeOptions.default([]),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === "select" && v.options.length === 0)
      ctx.addIssue({ code: "custom", path: ["options"], message: "needs at least one option for a select" });
    if (v.type !== "select" && v.options.length > 0)
      ctx.addIssue({ code: "custom", path: ["options"], message: "are only for select attributes" });
  });

// The key and type are fixed once created: values are stored under the key and were checked by the type.
export const updateAttributeInput = z
  .object({
    label: z.string().trim().min(1, "is empty").max(80).optional(),
    options: attributeOptions.optional(),
    // Moves the attribute to this index of the list (0 = first); the others shift.
    position: z.number().int().min(0).max(10_000).optional(),
    archived: z.boolean().optional(),
  })
  .strict();

export const listAttributesInput = z
  .object({ include_archived: z.enum(["true", "false"]).optional() })
  .strict();

/** `{ attributes: { plan: "Pro", seats: 3, churned: null } }`: null (or "") clears; keys left out stay. */
export const setAttributesInput = z.object({ attributes: z.record(z.string(), z.unknown()) }).strict();

/**
 * Parses like `schema.parse`, but a failure is the ValidationError the HTTP mapper would make of it (422,
 * `field` named the same way), so verbs called outside HTTP (CSV, tests) see the field too.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const unknownKey = issue?.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const path = issue?.path.join(".") ?? "";
  const field = unknownKey ? [path, unknownKey].filter(Boolean).join(".") : path || "body";
  const message = unknownKey ? "is not a field you can set here" : (issue?.message ?? "is invalid");
  throw new ValidationError(`${field} ${message}`, { field });
}

export function slugFromLabel(label: string): string {
  const slug = label
    .normalize("NFKD")
    .replaceAll(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, "_")
    .replaceAll(/^_+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  return /^[a-z]/.test(slug) ? slug : `attr_${slug}`.slice(0, 40).replace(/_+$/, "");
}

export type ParsedValue = { ok: true; value: AttributeValue | null } | { ok: false; message: string };

/**
 * Checks one value against its definition. `json` takes API values as typed (a number is a number);
 * `text` takes a CSV cell or an input's string and converts it. null or an empty string clears.
 */
export function parseAttributeValue(
  def: Pick<AttributeDefinitionDto, "type" | "options">,
  raw: unknown,
  from: "json" | "text",
): ParsedValue {
  if (raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === ""))
    return { ok: true, value: null };
  switch (def.type) {
    case "text":
      if (typeof raw !== "string") return { ok: false, message: "must be text" };
      if (raw.trim().length > TEXT_MAX)
        return { ok: false, message: `must be at most ${TEXT_MAX} characters` };
      return { ok: true, value: raw.trim() };
    case "number": {
      const n =
        typeof raw === "number"
          ? raw
          : from === "text" && typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw.trim())
            ? Number(raw.trim())
            : Number.NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: "must be a number" };
    }
    case "date":
      return typeof raw === "string" && isIsoDate(raw.trim())
        ? { ok: true, value: raw.trim() }
        : { ok: false, message: "must be a date like 2026-01-31" };
    case "boolean": {
      if (typeof raw === "boolean") return { ok: true, value: raw };
      const word = from === "text" && typeof raw === "string" ? raw.trim().toLowerCase() : "";
      if (["true", "yes", "1"].includes(word)) return { ok: true, value: true };
      if (["false", "no", "0"].includes(word)) return { ok: true, value: false };
      return { ok: false, message: "must be true or false" };
    }
    case "select": {
      const match =
        typeof raw === "string"
          ? def.options.find(
              (o) => o === raw.trim() || (from === "text" && o.toLowerCase() === raw.trim().toLowerCase()),
            )
          : undefined;
      return match !== undefined
        ? { ok: true, value: match }
        : { ok: false, message: `must be one of: ${def.options.join(", ")}` };
    }
  }
}

/** A value as a CSV cell or an input's text: booleans as true/false, everything else as written. */
export function attributeText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value);
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
