import type { NormalizeResult } from "./events";
import {
  change,
  changeValue,
  entry,
  envelope,
  unixSeconds,
  webhookContact,
  type ChangeValue,
} from "./payloads";
import {
  accountUpdate,
  templateCategoryUpdate,
  templateQualityUpdate,
  templateStatusUpdate,
  type WabaContext,
  type WabaResult,
} from "./normalize-account";
import { normalizeStateSync, normalizeUserIdUpdates, normalizeUserPreferences } from "./normalize-customer";
import { normalizeHistory } from "./normalize-history";
import { normalizeEchoes, normalizeInbound, normalizeStatuses } from "./normalize-messages";
import {
  describe,
  fromSeconds,
  guarded,
  isRecord,
  toPhone,
  unhandled,
  type Scope,
  type Sink,
} from "./normalize-shared";

/**
 * Pure: a parsed webhook body → typed domain events (events.ts), for every field in PROTOCOL.md.
 * - Never throws: a malformed envelope is one failure at `$`; a malformed entry or change fails alone.
 * - One bad item fails alone (§1.3 batching): it adds `{ path, reason }` to failures while its siblings
 *   still produce events. Paths look like `entry[0].changes[1].value.statuses[3]`.
 * - Tolerant (§1.4): unknown keys pass; an unknown field becomes an `unhandled` event with its raw value.
 * - No clock: timestamps come from the payload, else `entry[].time`, else the epoch.
 */
export function normalizeWebhook(body: unknown): NormalizeResult {
  const sink: Sink = { events: [], failures: [] };
  guarded(sink, "$", () => normalizeBody(body, sink));
  return sink;
}

/** A fresh Date each time: events must not share a mutable instance. */
const epoch = () => new Date(0);

function normalizeBody(body: unknown, sink: Sink): void {
  if (isRecord(body) && !("entry" in body)) {
    // Meta's doc prints the declined-history payload without its envelope (§5.4, [unverified] how it
    // really arrives). Accept a bare change `{field, value}` or a bare history value `{history: [...]}`;
    // with no entry there is no WABA id, so wabaId is "" (and phoneNumberId too, without metadata).
    const bare = { wabaId: "", fallbackTime: epoch() };
    if (typeof body.field === "string" && "value" in body) return normalizeChange(body, bare, "$", sink);
    if (Array.isArray(body.history))
      return handleField("history", body, { ...bare, field: "history", path: "$" }, sink);
  }
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    sink.failures.push({ path: "$", reason: `not a webhook envelope: ${describe(parsed.error)}` });
    return;
  }
  parsed.data.entry.forEach((rawEntry, e) => {
    const entryPath = `entry[${e}]`;
    const en = entry.safeParse(rawEntry);
    if (!en.success) {
      sink.failures.push({ path: entryPath, reason: describe(en.error) });
      return;
    }
    const time = unixSeconds.safeParse(en.data.time);
    const ctx = { wabaId: en.data.id, fallbackTime: time.success ? fromSeconds(time.data) : epoch() };
    en.data.changes.forEach((rawChange, c) => {
      const changePath = `${entryPath}.changes[${c}]`;
      guarded(sink, changePath, () => normalizeChange(rawChange, ctx, changePath, sink));
    });
  });
}

type EntryContext = { wabaId: string; fallbackTime: Date };
type ChangeContext = EntryContext & { field: string; path: string };

function normalizeChange(raw: unknown, ctx: EntryContext, path: string, sink: Sink): void {
  const parsed = change.safeParse(raw);
  if (!parsed.success) {
    sink.failures.push({ path, reason: describe(parsed.error) });
    return;
  }
  const { field, value } = parsed.data;
  handleField(field, value, { ...ctx, field, path: `${path}.value` }, sink);
}

function handleField(field: string, value: unknown, ctx: ChangeContext, sink: Sink): void {
  const handler = Object.hasOwn(FIELDS, field) ? FIELDS[field] : undefined;
  if (!handler) {
    sink.events.push(unhandled(field, `field "${field}" is not handled`, value));
    return;
  }
  handler(value, ctx, sink);
}

type FieldHandler = (value: unknown, ctx: ChangeContext, sink: Sink) => void;

const FIELDS: Record<string, FieldHandler> = {
  messages: routed(["messages", "statuses"], (v, scope, path, sink) => {
    // In practice one of the two (§1.4); both are read when both come.
    normalizeInbound(v.messages, scope, `${path}.messages`, sink, "live");
    normalizeStatuses(v.statuses, scope, `${path}.statuses`, sink);
  }),
  smb_message_echoes: routed(["message_echoes"], (v, scope, path, sink) =>
    normalizeEchoes(v.message_echoes, scope, `${path}.message_echoes`, sink, "live"),
  ),
  smb_app_state_sync: routed(["state_sync"], (v, scope, path, sink) =>
    normalizeStateSync(v.state_sync, scope, `${path}.state_sync`, sink),
  ),
  // The declined notice may come without metadata (see normalizeBody): phoneNumberId is then "".
  history: routed(["history", "messages", "message_echoes"], normalizeHistory, { metadataOptional: true }),
  user_id_update: routed(["user_id_update"], (v, scope, path, sink) =>
    normalizeUserIdUpdates(v.user_id_update, scope, `${path}.user_id_update`, sink),
  ),
  user_preferences: routed(["user_preferences"], (v, scope, path, sink) =>
    normalizeUserPreferences(v.user_preferences, scope, `${path}.user_preferences`, sink),
  ),
  account_update: waba(accountUpdate),
  message_template_status_update: waba(templateStatusUpdate),
  template_category_update: waba(templateCategoryUpdate),
  message_template_quality_update: waba(templateQualityUpdate),
};

type ItemArray =
  | "messages"
  | "statuses"
  | "message_echoes"
  | "state_sync"
  | "history"
  | "user_id_update"
  | "user_preferences";

/**
 * A field routed on `value.metadata.phone_number_id` (§1.4). The value's `contacts[]` block is parsed once
 * for all its items. A value with none of the field's arrays, or with value-level `errors`, is kept as
 * `unhandled` rather than dropped.
 */
function routed(
  arrays: ItemArray[],
  handle: (value: ChangeValue, scope: Scope, path: string, sink: Sink) => void,
  options: { metadataOptional?: boolean } = {},
): FieldHandler {
  return (raw, ctx, sink) => {
    const parsed = changeValue.safeParse(raw);
    if (!parsed.success) {
      sink.failures.push({ path: ctx.path, reason: describe(parsed.error) });
      return;
    }
    const value = parsed.data;
    if (!value.metadata && !options.metadataOptional) {
      sink.failures.push({ path: `${ctx.path}.metadata`, reason: "metadata.phone_number_id is required" });
      return;
    }
    const contacts: Scope["contacts"] = [];
    (value.contacts ?? []).forEach((item, k) => {
      const contact = webhookContact.safeParse(item);
      if (contact.success) contacts.push(contact.data);
      else sink.failures.push({ path: `${ctx.path}.contacts[${k}]`, reason: describe(contact.error) });
    });
    const scope: Scope = {
      wabaId: ctx.wabaId,
      phoneNumberId: value.metadata?.phone_number_id ?? "",
      businessNumber: toPhone(value.metadata?.display_phone_number),
      contacts,
      fallbackTime: ctx.fallbackTime,
    };
    if (value.errors?.length) {
      sink.events.push(unhandled(ctx.field, "value-level errors are not handled", raw));
    } else if (arrays.every((name) => value[name] === undefined)) {
      sink.events.push(unhandled(ctx.field, `value has none of ${arrays.join(", ")}`, raw));
    }
    handle(value, scope, ctx.path, sink);
  };
}

/** A WABA-level field (no metadata): one value → one event or one failure at the value. */
function waba(map: (value: unknown, ctx: WabaContext) => WabaResult): FieldHandler {
  return (value, ctx, sink) => {
    const result = map(value, { wabaId: ctx.wabaId, timestamp: ctx.fallbackTime });
    if (typeof result === "string") sink.failures.push({ path: ctx.path, reason: result });
    else sink.events.push(result);
  };
}
