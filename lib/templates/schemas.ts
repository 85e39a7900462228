import { z } from "zod";

// Client-safe: the create form, the list API and tests share these. Rules follow PROTOCOL.md §10.

export const TEMPLATE_CATEGORIES = ["UTILITY", "MARKETING", "AUTHENTICATION"] as const;
export const PARAMETER_FORMATS = ["POSITIONAL", "NAMED"] as const;
export const HEADER_FORMATS = ["TEXT", "IMAGE", "VIDEO", "DOCUMENT"] as const;
export const BUTTON_TYPES = ["QUICK_REPLY", "URL", "PHONE_NUMBER"] as const;
export const TEMPLATE_STATUSES = [
  "APPROVED",
  "PENDING",
  "REJECTED",
  "PAUSED",
  "DISABLED",
  "FLAGGED",
  "IN_APPEAL",
  "LIMIT_EXCEEDED",
  "LOCKED",
  "ARCHIVED",
  "PENDING_DELETION",
  "DELETED",
] as const;

export const LIMITS = {
  name: 512,
  headerText: 60,
  bodyText: 1024,
  footerText: 60,
  buttonText: 25,
  buttons: 10,
  quickReplies: 10,
  urlButtons: 2,
  phoneButtons: 1,
} as const;

// No spaces inside the braces: Meta only recognises `{{1}}`, not `{{ 1 }}`.
const VARIABLE = /\{\{([^{}]*)\}\}/g;

/** Variable names in the order they appear: `{{1}}` gives "1", `{{first_name}}` gives "first_name". */
export function templateVariables(text: string | undefined | null): string[] {
  if (!text) return [];
  return [...text.matchAll(VARIABLE)].map((m) => m[1] ?? "");
}

/** Replaces each variable with its example (or leaves `{{name}}` when there is none): the preview text. */
export function fillVariables(text: string, examples: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (whole, name: string) => examples[name]?.trim() || whole);
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .optional();

const headerInput = z.discriminatedUnion("format", [
  z.object({
    format: z.literal("TEXT"),
    text: z.string().trim().min(1, "is required"),
    example: optionalText,
  }),
  z.object({
    format: z.enum(["IMAGE", "VIDEO", "DOCUMENT"]),
    // A Resumable Upload API handle for Meta's sample; the simulator accepts none.
    handle: optionalText,
  }),
]);

const buttonInput = z.discriminatedUnion("type", [
  z.object({ type: z.literal("QUICK_REPLY"), text: z.string().trim().min(1, "is required") }),
  z.object({
    type: z.literal("URL"),
    text: z.string().trim().min(1, "is required"),
    url: z.string().trim().min(1, "is required"),
    example: optionalText,
  }),
  z.object({
    type: z.literal("PHONE_NUMBER"),
    text: z.string().trim().min(1, "is required"),
    phone_number: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,20}$/, "must be a phone number in international format"),
  }),
]);

export const createTemplateInput = z
  .object({
    /** Optional when only one WABA has numbers in Tandem. */
    waba_id: z.preprocess(
      (v) => (v === "" || v === null ? undefined : v),
      z.string().regex(/^\d+$/, "must be Meta's numeric WABA id").optional(),
    ),
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(LIMITS.name, `must be at most ${LIMITS.name} characters`)
      .regex(/^[a-z0-9_]+$/, "may use lowercase letters, digits and underscores only"),
    language: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, "must be a language code such as en_US"),
    category: z.enum(TEMPLATE_CATEGORIES, "must be UTILITY, MARKETING or AUTHENTICATION"),
    parameter_format: z.enum(PARAMETER_FORMATS, "must be POSITIONAL or NAMED").default("POSITIONAL"),
    components: z.object({
      header: headerInput.optional(),
      body: z.object({
        text: z.string().trim().min(1, "is required"),
        /** Example per variable name: { "1": "Maria" } or { "first_name": "Maria" }. */
        examples: z.record(z.string(), z.string()).default({}),
      }),
      footer: z.object({ text: z.string().trim().min(1, "is required") }).optional(),
      buttons: z.array(buttonInput).default([]),
    }),
  })
  .superRefine((value, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const format = value.parameter_format;
    const { header, body, footer, buttons } = value.components;

    if (header?.format === "TEXT") {
      const vars = templateVariables(header.text);
      if (header.text.length > LIMITS.headerText)
        issue(["components", "header", "text"], `must be at most ${LIMITS.headerText} characters`);
      if (vars.length > 1) issue(["components", "header", "text"], "may contain at most one variable");
      const bad = vars.find((v) => !validVariable(v, format));
      if (bad !== undefined) issue(["components", "header", "text"], variableMessage(bad, format));
      else if (format === "POSITIONAL" && vars.length === 1 && vars[0] !== "1")
        issue(["components", "header", "text"], "the header variable must be {{1}}");
      if (vars.length > 0 && !header.example)
        issue(["components", "header", "example"], "needs an example for the variable");
    }

    const bodyVars = templateVariables(body.text);
    if (body.text.length > LIMITS.bodyText)
      issue(["components", "body", "text"], `must be at most ${LIMITS.bodyText} characters`);
    const badBody = bodyVars.find((v) => !validVariable(v, format));
    if (badBody !== undefined) issue(["components", "body", "text"], variableMessage(badBody, format));
    else if (format === "POSITIONAL") {
      const numbers = [...new Set(bodyVars.map(Number))].sort((a, b) => a - b);
      if (numbers.some((n, i) => n !== i + 1))
        issue(["components", "body", "text"], "variables must be numbered {{1}}, {{2}}, … without gaps");
    }
    if (/^\{\{[^{}]*\}\}/.test(body.text) || /\{\{[^{}]*\}\}$/.test(body.text))
      issue(["components", "body", "text"], "may not start or end with a variable");
    for (const name of new Set(bodyVars)) {
      if (!body.examples[name]?.trim())
        issue(["components", "body", "examples", name], `needs an example for {{${name}}}`);
    }

    if (footer) {
      if (footer.text.length > LIMITS.footerText)
        issue(["components", "footer", "text"], `must be at most ${LIMITS.footerText} characters`);
      if (templateVariables(footer.text).length > 0)
        issue(["components", "footer", "text"], "may not contain variables");
    }

    if (buttons.length > LIMITS.buttons)
      issue(["components", "buttons"], `at most ${LIMITS.buttons} buttons in total`);
    const count = (type: (typeof BUTTON_TYPES)[number]) => buttons.filter((b) => b.type === type).length;
    if (count("QUICK_REPLY") > LIMITS.quickReplies)
      issue(["components", "buttons"], `at most ${LIMITS.quickReplies} quick replies`);
    if (count("URL") > LIMITS.urlButtons)
      issue(["components", "buttons"], `at most ${LIMITS.urlButtons} URL buttons`);
    if (count("PHONE_NUMBER") > LIMITS.phoneButtons)
      issue(["components", "buttons"], `at most ${LIMITS.phoneButtons} phone number button`);
    // Meta refuses quick replies interleaved with other buttons: they must form one run.
    const kinds = buttons.map((b) => (b.type === "QUICK_REPLY" ? "q" : "o")).join("");
    if (/q+o+q/.test(kinds) || /o+q+o/.test(kinds))
      issue(["components", "buttons"], "group quick replies together, before or after the other buttons");
    buttons.forEach((button, i) => {
      if (button.text.length > LIMITS.buttonText)
        issue(["components", "buttons", i, "text"], `must be at most ${LIMITS.buttonText} characters`);
      if (button.type !== "URL") return;
      const vars = templateVariables(button.url);
      const bare = button.url.replace(VARIABLE, "");
      if (!/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(bare))
        issue(["components", "buttons", i, "url"], "must be an http(s) URL");
      if (vars.length > 1) issue(["components", "buttons", i, "url"], "may contain at most one variable");
      else if (vars.length === 1) {
        if (!/\{\{[^{}]*\}\}$/.test(button.url))
          issue(["components", "buttons", i, "url"], "the variable must come at the end of the URL");
        if (!button.example)
          issue(["components", "buttons", i, "example"], "needs an example for the variable");
      }
    });
  });
export type CreateTemplateInput = z.input<typeof createTemplateInput>;
export type CreateTemplateData = z.output<typeof createTemplateInput>;

export const listTemplatesInput = z.object({
  wabaId: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id").optional(),
  status: z.enum(TEMPLATE_STATUSES).optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListTemplatesInput = z.input<typeof listTemplatesInput>;

export const syncTemplatesInput = z.object({
  wabaId: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id").optional(),
});
export type SyncTemplatesInput = z.input<typeof syncTemplatesInput>;

/** A component as Meta stores it (PROTOCOL.md §10); unknown fields pass through. */
export type TemplateComponent = {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text?: string; url?: string; phone_number?: string; example?: string[] }[];
  example?: Record<string, unknown>;
  [key: string]: unknown;
};

export type TemplateDto = {
  id: string;
  waba_id: string;
  template_id: string;
  name: string | null;
  language: string | null;
  status: string | null;
  category: string | null;
  /** GREEN, YELLOW, RED or UNKNOWN; null until Meta reports one. */
  quality: string | null;
  /** Why Meta rejected or paused it; null otherwise. */
  reason: string | null;
  /** Derived from the variables: the table has no column for it. */
  parameter_format: "POSITIONAL" | "NAMED";
  components: TemplateComponent[];
  updated_at: string;
  /** Messages sent with it (failed sends excluded); on list and get, not on create. */
  usage_count?: number;
};

export type SyncCounts = { added: number; updated: number; removed: number };
export type SyncResult = SyncCounts & {
  wabas: (SyncCounts & { waba_id: string; total: number })[];
  /** Accounts Meta refused while syncing all of them (one bad account must not hide the others). */
  failed: { waba_id: string; error: string }[];
};

/** One entry per invalid field of a create request, as the 422 response carries them. */
export type FieldIssue = { field: string; message: string };

function validVariable(name: string, format: "POSITIONAL" | "NAMED"): boolean {
  return format === "POSITIONAL" ? /^[1-9]\d*$/.test(name) : /^[a-z][a-z0-9_]*$/.test(name);
}

function variableMessage(name: string, format: "POSITIONAL" | "NAMED"): string {
  return format === "POSITIONAL"
    ? `{{${name}}} is not a positional variable: use {{1}}, {{2}}, …`
    : `{{${name}}} is not a named variable: use lowercase letters, digits and underscores, e.g. {{first_name}}`;
}
