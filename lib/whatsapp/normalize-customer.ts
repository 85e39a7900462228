import { stateSyncItem, userIdUpdateItem, userPreferenceItem } from "./payloads";
import {
  compact,
  eachItem,
  fromSeconds,
  hasIdentity,
  identityOf,
  toPhone,
  unhandled,
  type Scope,
  type Sink,
} from "./normalize-shared";

// Customer-side payloads outside `messages`: the owner's address book (`smb_app_state_sync`, §5.3), the
// withdrawn `user_id_update` field (§4.5) and marketing preferences (`user_preferences`, §4.6).

export function normalizeStateSync(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
): void {
  eachItem(sink, list, path, stateSyncItem, (s, _path, raw) => {
    if ((s.type ?? "contact") !== "contact") {
      return unhandled("smb_app_state_sync", `state_sync type "${s.type}" is not handled`, raw);
    }
    const action = s.action.toLowerCase();
    if (action !== "add" && action !== "remove") {
      return unhandled("smb_app_state_sync", `state_sync action "${s.action}" is not handled`, raw);
    }
    const c = s.contact;
    // `remove` omits the names (§5.3); `add` also covers edits.
    const contact = compact({
      fullName: c?.full_name,
      firstName: c?.first_name,
      phone: toPhone(c?.phone_number),
      bsuid: c?.user_id,
      parentBsuid: c?.parent_user_id,
      username: c?.username,
    });
    if (!hasIdentity(contact)) return "state_sync contact has neither phone_number nor user_id";
    const seconds = s.metadata?.timestamp;
    return {
      kind: "contact.synced",
      wabaId: scope.wabaId,
      phoneNumberId: scope.phoneNumberId,
      action,
      contact,
      timestamp: seconds === undefined ? scope.fallbackTime : fromSeconds(seconds),
    };
  });
}

export function normalizeUserIdUpdates(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
): void {
  eachItem(sink, list, path, userIdUpdateItem, (u) => {
    const seconds = u.timestamp ?? Math.floor(scope.fallbackTime.getTime() / 1000);
    return {
      kind: "identity.changed",
      wabaId: scope.wabaId,
      phoneNumberId: scope.phoneNumberId,
      // No wamid here: a synthetic key makes a redelivery (or the matching system message) idempotent.
      key: `user_id_update:${u.user_id.previous}:${u.user_id.current}:${seconds}`,
      reason: "user_id_update",
      previous: { bsuid: u.user_id.previous },
      // `wa_id` is the customer's (new) number when shareable.
      current: compact({ bsuid: u.user_id.current, phone: toPhone(u.wa_id), parentBsuid: u.parent_user_id }),
      timestamp: fromSeconds(seconds),
      body: u.detail ?? null,
    };
  });
}

export function normalizeUserPreferences(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
): void {
  eachItem(sink, list, path, userPreferenceItem, (p) => {
    const customer = identityOf(p.wa_id, p.user_id, p.parent_user_id, scope.contacts);
    if (!hasIdentity(customer)) return "user_preferences item has neither wa_id nor user_id";
    return {
      kind: "preference.changed",
      wabaId: scope.wabaId,
      phoneNumberId: scope.phoneNumberId,
      customer,
      category: p.category,
      value: p.value,
      timestamp: p.timestamp === undefined ? scope.fallbackTime : fromSeconds(p.timestamp),
    };
  });
}
