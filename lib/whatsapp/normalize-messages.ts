import type { CustomerIdentity, DomainEvent, StatusName, StatusUpdated } from "./events";
import {
  editObject,
  messageItem,
  reactionObject,
  revokeObject,
  statusItem,
  systemObject,
  type MessageItem,
} from "./payloads";
import {
  compact,
  contentOf,
  describe,
  eachItem,
  fromSeconds,
  hasIdentity,
  identityOf,
  toMetaErrors,
  toPhone,
  unhandled,
  type ItemResult,
  type Scope,
  type Sink,
} from "./normalize-shared";

// `messages` (§2 inbound, §3 statuses) and `smb_message_echoes` (§5.2). The late media copies of history
// messages (§5.4) use the same item shapes and come through here with origin "history".

type Origin = "live" | "history";

export function normalizeInbound(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
  origin: Origin,
): void {
  eachItem(sink, list, path, messageItem, (m, _path, raw) => inboundEvent(m, raw, scope, origin));
}

export function normalizeEchoes(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
  origin: Origin,
): void {
  eachItem(sink, list, path, messageItem, (m, _path, raw) => echoEvent(m, raw, scope, origin));
}

export function normalizeStatuses(list: unknown[] | undefined, scope: Scope, path: string, sink: Sink): void {
  eachItem(sink, list, path, statusItem, (s, _path, raw) => {
    const status = s.status.toLowerCase();
    if (!isStatusName(status))
      return unhandled("messages", `status "${s.status}" is not a known status`, raw);
    const pricing: StatusUpdated["pricing"] = s.pricing
      ? compact({
          billable: s.pricing.billable,
          model: s.pricing.pricing_model,
          type: s.pricing.type,
          category: s.pricing.category,
        })
      : null;
    return {
      kind: "status.updated",
      wabaId: scope.wabaId,
      phoneNumberId: scope.phoneNumberId,
      wamid: s.id,
      status,
      timestamp: fromSeconds(s.timestamp),
      // Failed statuses may carry no contacts block and no recipient_user_id (§3): keep what there is.
      recipient: identityOf(s.recipient_id, s.recipient_user_id, s.recipient_parent_user_id, scope.contacts),
      errors: toMetaErrors(s.errors),
      pricing,
      bizOpaqueCallbackData: s.biz_opaque_callback_data ?? null,
    };
  });
}

const STATUS_NAMES: readonly string[] = [
  "sent",
  "delivered",
  "read",
  "played",
  "failed",
] satisfies StatusName[];

function isStatusName(value: string): value is StatusName {
  return STATUS_NAMES.includes(value);
}

function inboundEvent(
  m: MessageItem,
  raw: Record<string, unknown>,
  scope: Scope,
  origin: Origin,
): ItemResult {
  // A message without a type is treated like Meta's `unknown` type: a placeholder with its errors.
  const type = m.type ?? "unknown";
  if (type === "system") {
    const change = identityChange(m, raw, scope);
    if (change) return change;
  }
  const customer = identityOf(m.from, m.from_user_id, m.from_parent_user_id, scope.contacts);
  if (!hasIdentity(customer)) return "message has neither from nor from_user_id";
  const special = editRevokeOrReaction(type, m, raw, scope, customer, "customer");
  if (special) return special;
  return {
    kind: "message.received",
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    wamid: m.id,
    customer,
    timestamp: fromSeconds(m.timestamp),
    ...contentOf(raw, type),
    replyToWamid: m.context?.id ?? null,
    forwarded: m.context?.forwarded === true || m.context?.frequently_forwarded === true,
    referral: raw.referral ?? null,
    errors: toMetaErrors(m.errors),
    origin,
  };
}

function echoEvent(m: MessageItem, raw: Record<string, unknown>, scope: Scope, origin: Origin): ItemResult {
  // The thread is keyed on `to` / `to_user_id` (§5.2); `from` is the business number.
  const customer = identityOf(m.to, m.to_user_id, m.to_parent_user_id, scope.contacts);
  if (!hasIdentity(customer)) return "echo has neither to nor to_user_id";
  if (m.type) {
    const special = editRevokeOrReaction(m.type, m, raw, scope, customer, "business_app");
    if (special) return special;
  }
  return {
    kind: "echo.received",
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    wamid: m.id,
    customer,
    timestamp: fromSeconds(m.timestamp),
    // Errors-only echoes carry no type and no content (§5.2): "sent from phone, content unavailable".
    ...(m.type ? contentOf(raw, m.type) : { type: "unavailable", text: null, content: null }),
    replyToWamid: m.context?.id ?? null,
    errors: toMetaErrors(m.errors),
    origin,
  };
}

/** `edit`, `revoke` and `reaction` items, from the customer (§2) or the owner's app (§5.2). */
function editRevokeOrReaction(
  type: string,
  m: MessageItem,
  raw: Record<string, unknown>,
  scope: Scope,
  customer: CustomerIdentity,
  by: "customer" | "business_app",
): DomainEvent | string | null {
  const common = {
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    wamid: m.id,
    by,
    customer,
    timestamp: fromSeconds(m.timestamp),
  };
  switch (type) {
    case "edit": {
      const edit = editObject.safeParse(raw.edit);
      if (!edit.success) return describe(edit.error, "edit");
      const next = edit.data.message;
      return {
        kind: "message.edited",
        ...common,
        originalWamid: edit.data.original_message_id,
        next: contentOf(next, next.type ?? "unknown"),
      };
    }
    case "revoke": {
      const revoke = revokeObject.safeParse(raw.revoke);
      if (!revoke.success) return describe(revoke.error, "revoke");
      return { kind: "message.revoked", ...common, originalWamid: revoke.data.original_message_id };
    }
    case "reaction": {
      const reaction = reactionObject.safeParse(raw.reaction);
      if (!reaction.success) return describe(reaction.error, "reaction");
      // An absent or empty emoji removes the reaction.
      return {
        kind: "reaction.received",
        ...common,
        targetWamid: reaction.data.message_id,
        emoji: reaction.data.emoji ?? "",
      };
    }
    default:
      return null;
  }
}

/**
 * `system` messages that change the customer's identity (§4.5) → identity.changed; other system
 * messages return null and are kept as ordinary messages of type "system".
 * `customer_changed_number` (with `new_wa_id`) is the pre-BSUID spelling of `user_changed_number`.
 */
function identityChange(
  m: MessageItem,
  raw: Record<string, unknown>,
  scope: Scope,
): DomainEvent | string | null {
  const parsed = systemObject.safeParse(raw.system);
  if (!parsed.success) return describe(parsed.error, "system");
  const s = parsed.data;
  const reason =
    s.type === "user_changed_number" || s.type === "customer_changed_number"
      ? "user_changed_number"
      : s.type === "user_changed_user_id"
        ? "user_changed_user_id"
        : null;
  if (!reason) return null;
  // Before Aug 2026 there is no previous_user_id: the sender's own ids are the previous identity.
  const noPreviousId = s.previous_user_id === undefined;
  const previous = compact({
    phone: toPhone(m.from),
    bsuid: s.previous_user_id ?? m.from_user_id,
    parentBsuid: s.previous_parent_user_id ?? (noPreviousId ? m.from_parent_user_id : undefined),
  });
  const current = compact({
    phone: toPhone(s.wa_id ?? s.new_wa_id),
    bsuid: s.user_id,
    parentBsuid: s.parent_user_id,
  });
  if (!hasIdentity(previous)) return `${s.type} without a previous identity (from, previous_user_id)`;
  if (!hasIdentity(current)) return `${s.type} without a new identity (system.wa_id, system.user_id)`;
  return {
    kind: "identity.changed",
    wabaId: scope.wabaId,
    phoneNumberId: scope.phoneNumberId,
    key: m.id,
    reason,
    previous,
    current,
    timestamp: fromSeconds(m.timestamp),
    body: s.body ?? null,
  };
}
