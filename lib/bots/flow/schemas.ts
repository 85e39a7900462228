import { z } from "zod";
import type {
  BusinessHours,
  Condition,
  FlowDefinition,
  FlowNode,
  FlowSettings,
  FlowState,
  LocalText,
} from "./types";

// Structure of a flow definition (client-safe). Limits that depend on the whole flow (ids that must exist,
// WhatsApp title lengths per language, reachability) are checked by validateFlow, which reports them by path.

export const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const FIELD_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const nodeRef = z.string().min(1, "Pick the next step");
const fieldName = z
  .string()
  .regex(FIELD_NAME, "Field names are lowercase letters, digits and _ (e.g. order_number)");

export const localTextSchema: z.ZodType<LocalText> = z.union([
  z.string(),
  z.record(z.string().min(2).max(10), z.string()),
]);

const base = { label: z.string().max(80).optional() };

const messageNode = z.object({ ...base, type: z.literal("message"), text: localTextSchema, next: nodeRef });

const menuOption = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "Ids are letters, digits, _ . : - (≤ 64)"),
  title: localTextSchema,
  description: localTextSchema.optional(),
  keywords: z.array(z.string()).optional(),
  next: nodeRef,
});

const menuNode = z.object({
  ...base,
  type: z.literal("menu"),
  style: z.enum(["buttons", "list"]),
  text: localTextSchema,
  button: localTextSchema.optional(),
  sectionTitle: localTextSchema.optional(),
  options: z.array(menuOption).min(1, "A menu needs at least one option"),
  field: fieldName.optional(),
  retry: localTextSchema.optional(),
});

const questionNode = z.object({
  ...base,
  type: z.literal("question"),
  text: localTextSchema,
  field: fieldName,
  validation: z.enum(["text", "email", "number", "phone", "pattern"]),
  pattern: z.string().max(200).optional(),
  retry: localTextSchema.optional(),
  next: nodeRef,
});

const faqNode = z.object({
  ...base,
  type: z.literal("faq"),
  text: localTextSchema.optional(),
  entries: z.array(z.object({ keywords: z.array(z.string()), answer: localTextSchema })),
  fallback: localTextSchema,
  next: nodeRef.optional(),
});

const languageNode = z.object({
  ...base,
  type: z.literal("language"),
  text: localTextSchema,
  options: z
    .array(z.object({ language: z.string().min(2).max(10), title: z.string() }))
    .min(1, "Offer at least one language"),
  retry: localTextSchema.optional(),
  next: nodeRef,
});

export const conditionSchema: z.ZodType<Condition> = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("field"),
    field: fieldName,
    op: z.enum(["equals", "not_equals", "contains", "matches", "exists", "missing", "gt", "lt"]),
    value: z.string().optional(),
  }),
  z.object({ kind: z.literal("language"), equals: z.string().min(2).max(10) }),
  z.object({ kind: z.literal("business_hours"), open: z.boolean() }),
]);

const conditionNode = z.object({
  ...base,
  type: z.literal("condition"),
  rules: z.array(z.object({ when: conditionSchema, next: nodeRef })),
  else: nodeRef,
});

const handoffNode = z.object({
  ...base,
  type: z.literal("handoff"),
  text: localTextSchema.optional(),
  summary: z.string().max(1000),
});

const endNode = z.object({ ...base, type: z.literal("end"), text: localTextSchema.optional() });

export const flowNodeSchema: z.ZodType<FlowNode> = z.discriminatedUnion("type", [
  messageNode,
  menuNode,
  questionNode,
  faqNode,
  languageNode,
  conditionNode,
  handoffNode,
  endNode,
]);

export const businessHoursSchema: z.ZodType<BusinessHours> = z.object({
  timezone: z.string().min(1),
  weekly: z.record(
    z.string(),
    z.array(z.tuple([z.string().regex(HHMM, "Use HH:MM"), z.string().regex(HHMM, "Use HH:MM")])),
  ),
  holidays: z.array(
    z.object({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD"),
      name: z.string().optional(),
    }),
  ),
});

export const flowSettingsSchema: z.ZodType<FlowSettings> = z.object({
  languages: z.array(z.string().min(2).max(10)).optional(),
  handoffKeywords: z.array(z.string()),
  maxFailures: z.int().min(1, "At least 1").max(10, "At most 10"),
  retryText: localTextSchema.optional(),
  handoffText: localTextSchema.optional(),
  handoffSummary: z.string().max(1000).optional(),
  businessHours: businessHoursSchema.optional(),
  awayMessage: localTextSchema.optional(),
  outsideHours: z.enum(["continue", "handoff", "end"]).optional(),
});

export const flowDefinitionSchema: z.ZodType<FlowDefinition> = z.object({
  version: z.literal(1),
  start: nodeRef,
  nodes: z.record(z.string().regex(NODE_ID, "Node ids are letters, digits, _ and - (≤ 64)"), flowNodeSchema),
  settings: flowSettingsSchema,
});

/** A stored session state, parsed defensively (it is JSON from the database). */
export const flowStateSchema: z.ZodType<FlowState> = z.object({
  node: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  failures: z.int().min(0),
  language: z.string().optional(),
  done: z.boolean().optional(),
});
