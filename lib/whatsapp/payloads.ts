import { z } from "zod";

// Tolerant schemas of Meta's webhook shapes (PROTOCOL.md §1.4): unknown keys pass through and only what
// normalize*.ts reads is typed. Shapes drift, so scalars accept both of Meta's spellings: timestamps are
// strings of Unix seconds (numbers accepted), ids and phones may arrive as JSON numbers (template ids do).
// Item-level arrays stay `unknown[]` here so that each item is parsed on its own and fails alone.

/** Unix seconds as "1767225600" or 1767225600. */
export const unixSeconds = z
  .union([z.string().trim().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform(Number);

/** A number that may arrive as a numeric string ("55"). */
const numeric = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/),
  ])
  .transform(Number);

/** An id or phone that may arrive as a JSON number; always a string afterwards. */
const idString = z.union([z.string(), z.number().int().nonnegative()]).transform(String);

/** A boolean that may arrive as "true"/"false". */
const flag = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");

const items = z.array(z.unknown());

// ---------- envelope (§1.4) ----------

export const envelope = z.looseObject({ object: z.string().optional(), entry: items });

export const entry = z.looseObject({ id: idString, time: z.unknown().optional(), changes: items });

export const change = z.looseObject({ field: z.string().min(1), value: z.unknown() });

/** Every `value` that carries business-number routing; each field reads the arrays it knows. */
export const changeValue = z.looseObject({
  metadata: z
    .looseObject({ phone_number_id: idString, display_phone_number: idString.optional() })
    .optional(),
  contacts: items.optional(),
  messages: items.optional(),
  statuses: items.optional(),
  message_echoes: items.optional(),
  state_sync: items.optional(),
  history: items.optional(),
  user_id_update: items.optional(),
  user_preferences: items.optional(),
  errors: items.optional(),
});
export type ChangeValue = z.infer<typeof changeValue>;

// ---------- shared pieces ----------

/** Both error shapes (§2): new `{code,title,message,error_data:{details}}`, old `{code,title,details}`. */
export const metaError = z.looseObject({
  code: numeric.optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  details: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type RawMetaError = z.infer<typeof metaError>;

export const webhookContact = z.looseObject({
  wa_id: idString.optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});
export type WebhookContact = z.infer<typeof webhookContact>;

// ---------- messages, echoes, history messages (§2, §5.2, §5.4) ----------

/** One message item: inbound (`from*`), echo (`to*`) or history (`history_context`); `<type>` stays raw. */
export const messageItem = z.looseObject({
  id: z.string().min(1),
  from: idString.optional(),
  from_user_id: z.string().optional(),
  from_parent_user_id: z.string().optional(),
  to: idString.optional(),
  to_user_id: z.string().optional(),
  to_parent_user_id: z.string().optional(),
  timestamp: unixSeconds,
  type: z.string().min(1).optional(),
  context: z
    .looseObject({
      id: z.string().optional(),
      from: idString.optional(),
      forwarded: flag.optional(),
      frequently_forwarded: flag.optional(),
    })
    .optional(),
  referral: z.unknown().optional(),
  errors: z.array(metaError).optional(),
  history_context: z.looseObject({ status: z.string().optional() }).optional(),
});
export type MessageItem = z.infer<typeof messageItem>;

export const editObject = z.looseObject({
  original_message_id: z.string().min(1),
  message: z.looseObject({ type: z.string().min(1).optional() }),
});

export const revokeObject = z.looseObject({ original_message_id: z.string().min(1) });

export const reactionObject = z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() });

export const systemObject = z.looseObject({
  type: z.string().optional(),
  body: z.string().optional(),
  wa_id: idString.optional(),
  /** Pre-BSUID spelling of the new number on `customer_changed_number`. */
  new_wa_id: idString.optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  previous_user_id: z.string().optional(),
  previous_parent_user_id: z.string().optional(),
});

// ---------- statuses (§3) ----------

export const statusItem = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: unixSeconds,
  recipient_id: idString.optional(),
  recipient_user_id: z.string().optional(),
  recipient_parent_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(metaError).optional(),
  pricing: z
    .looseObject({
      billable: flag.optional(),
      pricing_model: z.string().optional(),
      type: z.string().optional(),
      category: z.string().optional(),
    })
    .optional(),
});

// ---------- smb_app_state_sync (§5.3) ----------

export const stateSyncItem = z.looseObject({
  type: z.string().optional(),
  action: z.string().min(1),
  contact: z
    .looseObject({
      full_name: z.string().optional(),
      first_name: z.string().optional(),
      phone_number: idString.optional(),
      user_id: z.string().optional(),
      parent_user_id: z.string().optional(),
      username: z.string().optional(),
    })
    .optional(),
  metadata: z.looseObject({ timestamp: unixSeconds.optional() }).optional(),
});

// ---------- history (§5.4) ----------

export const historyItem = z.looseObject({
  metadata: z.looseObject({ phase: numeric, chunk_order: numeric, progress: numeric }).optional(),
  threads: items.optional(),
  errors: z.array(metaError).optional(),
});

export const historyThread = z.looseObject({
  id: idString.optional(),
  context: z
    .looseObject({
      wa_id: idString.optional(),
      user_id: z.string().optional(),
      parent_user_id: z.string().optional(),
      username: z.string().optional(),
    })
    .optional(),
  messages: items.optional(),
});

// ---------- user_id_update (§4.5) and user_preferences (§4.6) ----------

export const userIdUpdateItem = z.looseObject({
  wa_id: idString.optional(),
  detail: z.string().optional(),
  user_id: z.looseObject({ previous: z.string().min(1), current: z.string().min(1) }),
  parent_user_id: z.string().optional(),
  timestamp: unixSeconds.optional(),
});

export const userPreferenceItem = z.looseObject({
  wa_id: idString.optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  category: z.string().min(1),
  value: z.string().min(1),
  timestamp: unixSeconds.optional(),
});

// ---------- account_update (§5.5) and templates (§10): no metadata, routed on entry.id ----------

export const accountUpdateValue = z.looseObject({
  phone_number: idString.optional(),
  event: z.string().min(1),
  disconnection_info: z
    .looseObject({ reason: z.string().optional(), initiated_by: z.string().optional() })
    .optional(),
});

const templateRef = {
  message_template_id: idString,
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
};

export const templateStatusValue = z.looseObject({
  ...templateRef,
  event: z.string().min(1),
  reason: z.string().nullish(),
  message_template_category: z.string().optional(),
  rejection_info: z.looseObject({ reason: z.string().optional() }).optional(),
});

export const templateCategoryValue = z.looseObject({
  ...templateRef,
  previous_category: z.string().optional(),
  new_category: z.string().optional(),
  correct_category: z.string().optional(),
});

export const templateQualityValue = z.looseObject({
  ...templateRef,
  previous_quality_score: z.string().optional(),
  new_quality_score: z.string().min(1),
});
