import type { MessageDto, TimelineEventDto } from "@/lib/conversations/schemas";

// The thread shows messages and the conversation's own events (assignments, notes, snoozes…) in one
// column, by time. Events come newest first from GET …/events; messages oldest first.

export type TimelineItem =
  | { kind: "message"; at: string; message: MessageDto }
  | { kind: "note"; at: string; event: TimelineEventDto }
  | { kind: "event"; at: string; event: TimelineEventDto };

/**
 * Messages and events in time order (events first on a tie: "assigned" reads before the reply it caused).
 * While older messages are not loaded, events older than the first loaded message wait with them.
 */
export function mergeTimeline(
  messages: MessageDto[],
  events: TimelineEventDto[],
  options: { olderMessages: boolean } = { olderMessages: false },
): TimelineItem[] {
  const first = messages[0]?.timestamp;
  const floor = options.olderMessages && first ? Date.parse(first) : -Infinity;
  const items: TimelineItem[] = messages.map((message) => ({
    kind: "message",
    at: message.timestamp,
    message,
  }));
  for (const event of events) {
    if (Date.parse(event.at) < floor) continue;
    items.push({ kind: event.type === "note" ? "note" : "event", at: event.at, event });
  }
  const rank = (item: TimelineItem) => (item.kind === "message" ? 1 : 0);
  // A stable sort keeps messages in the server's order within the same millisecond.
  return items
    .map((item, index) => ({ item, index, time: Date.parse(item.at) }))
    .sort((a, b) => a.time - b.time || rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

export type Names = {
  /** The signed-in person: "you" instead of their name. */
  me?: string;
  people?: ReadonlyMap<string, string>;
  teams?: ReadonlyMap<string, string>;
};

/** One sentence for a system row of the thread ("Ann assigned this to Bob"). */
export function describeEvent(event: TimelineEventDto, names: Names = {}): string {
  const data = (event.data && typeof event.data === "object" ? event.data : {}) as Record<string, unknown>;
  const person = (id: unknown) =>
    typeof id === "string" ? (id === names.me ? "you" : (names.people?.get(id) ?? "someone")) : "nobody";
  const team = (id: unknown) =>
    typeof id === "string" ? (names.teams?.get(id) ?? "another team") : "no team";
  const system = event.actor_type !== "user";
  const actor = system ? null : event.actor_id === names.me ? "You" : (event.actor_name ?? "Someone");
  const by = actor ? ` by ${actor === "You" ? "you" : actor}` : "";
  switch (event.type) {
    case "assigned": {
      const to = data.to_assignee;
      if (!actor) return `Assigned to ${person(to)} automatically`;
      if (typeof to === "string" && to === event.actor_id) return `${actor} took this conversation`;
      return `${actor} assigned this to ${person(to)}`;
    }
    case "unassigned":
      return actor
        ? data.from_assignee === event.actor_id
          ? `${actor} gave this conversation back`
          : `${actor} unassigned ${person(data.from_assignee)}`
        : "Unassigned";
    case "transferred": {
      const moved = `moved this to ${data.to_team ? team(data.to_team) : "no team"}`;
      const assignee = data.to_assignee ? ` and assigned it to ${person(data.to_assignee)}` : "";
      return `${actor ?? "Tandem"} ${moved}${assignee}`;
    }
    case "resolved":
      return `Resolved${by}`;
    case "reopened":
      return `Reopened${by}`;
    case "snoozed":
      return typeof data.until === "string"
        ? `Snoozed until ${when(data.until)}${by}`
        : `Snoozed until the customer replies${by}`;
    case "snooze_ended":
      return "Snooze ended: back in the queue";
    case "priority_changed":
      return `Priority set to ${capitalize(String(data.to ?? "normal"))}${by}`;
    case "labeled":
      return `Label ${String(data.name ?? "")} added${by}`;
    case "unlabeled":
      return `Label ${String(data.name ?? "")} removed${by}`;
    case "identity_changed":
      return describeIdentity(data);
    case "consent_opt_out":
      return `Opted out of ${String(data.category ?? "messages")}${by}`;
    case "consent_opt_in":
      return `Opted in to ${String(data.category ?? "messages")}${by}`;
    case "bot_paused":
      return typeof data.why === "string" ? `Bot paused: ${data.why}` : "Bot paused";
    case "sla_breached":
      return `SLA missed: ${String(data.kind ?? "deadline").replaceAll("_", " ")}`;
    default:
      return `${capitalize(event.type.replaceAll("_", " "))}${by}`;
  }
}

function describeIdentity(data: Record<string, unknown>): string {
  const previous = (data.previous ?? {}) as { phone?: string; username?: string };
  const current = (data.current ?? {}) as { phone?: string; username?: string };
  const merged = data.merged ? " (contacts merged)" : "";
  if (data.reason === "user_changed_number" && (previous.phone || current.phone))
    return `The customer changed their number${previous.phone ? ` from +${previous.phone}` : ""}${
      current.phone ? ` to +${current.phone}` : ""
    }${merged}`;
  if (previous.username !== current.username && current.username)
    return `The customer is now @${current.username}${merged}`;
  return `The customer's WhatsApp identity changed${merged}`;
}

function when(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleString([], {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
