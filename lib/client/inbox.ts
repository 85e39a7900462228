import type {
  ConversationCounts,
  ConversationSummary,
  Page,
  SearchResults,
  TimelineEventDto,
} from "@/lib/conversations/schemas";

export type {
  ConversationCounts,
  Highlight as SearchHighlight,
  SearchResults,
} from "@/lib/conversations/schemas";
import type { NotificationDto } from "@/lib/notifications/schemas";
import type { ContactConsentDto } from "@/lib/consent/schemas";
import { api } from "./api";

// Browser calls of the inbox (views, counts, search, conversation actions, notes, notifications). The
// response shapes mirror the routes under app/api/v1; the server-side DTOs live in server-only modules.

export type InboxView = "mine" | "unassigned" | "team" | "all" | "bot" | "snoozed" | "resolved";

/** What the list shows: a view (a team view carries its id) plus the filters and sort of the list header. */
export type ListFilters = {
  view: InboxView;
  team?: string;
  label?: string;
  priority?: ConversationSummary["priority"];
  unread?: boolean;
  number?: string;
  sort: "recent" | "waiting";
};

export type Label = { id: string; name: string; color: string; description: string; conversations: number };

export type CannedResponse = {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  scope: "shared" | "personal";
  updated_at: string;
};

/** A colleague as GET /api/v1/users shows them to anyone with users:read. */
export type Person = {
  id: string;
  name: string;
  email: string;
  role: "admin" | "supervisor" | "agent";
  teams: { id: string; name: string }[];
};

export type Team = { id: string; name: string; member_count: number };

export type NotificationList = Page<NotificationDto> & { unread: number };

/** The signed-in person as the inbox page hands them down (the server decides; the UI only hides). */
export type Viewer = {
  id: string;
  name: string;
  role: "admin" | "supervisor" | "agent";
  teamIds: string[];
  /** conversations:assign: assign others, transfer between teams. */
  canAssign: boolean;
};

/** The query string of GET /api/v1/conversations for a view and its filters. */
export function listParams(filters: ListFilters): Record<string, string> {
  const params: Record<string, string> = {};
  // Mine, Unassigned, a team and All are work queues: open conversations only, like their counts.
  if (filters.view === "team") {
    params.view = "all";
    params.status = "open";
    if (filters.team) params.team = filters.team;
  } else if (filters.view === "mine" || filters.view === "unassigned" || filters.view === "all") {
    params.view = filters.view;
    params.status = "open";
  } else params.view = filters.view;
  if (filters.label) params.label = filters.label;
  if (filters.priority) params.priority = filters.priority;
  if (filters.unread) params.unread = "true";
  if (filters.number) params.number = filters.number;
  params.sort = filters.sort;
  return params;
}

// The optional `signal` is TanStack Query's: a fetch whose query was cancelled or left unused (a thread
// switched away from) stops on the wire instead of holding one of the browser's six connections.
export function fetchConversationPage(
  params: Record<string, string>,
  cursor: string | null,
  signal?: AbortSignal,
) {
  const query = new URLSearchParams({ ...params, limit: "50", ...(cursor ? { cursor } : {}) });
  return api<Page<ConversationSummary>>(`/api/v1/conversations?${query}`, { signal });
}

export const fetchCounts = (signal?: AbortSignal) =>
  api<ConversationCounts>("/api/v1/conversations/counts", { signal });
export const fetchConversation = (id: string, signal?: AbortSignal) =>
  api<ConversationSummary>(`/api/v1/conversations/${id}`, { signal });
export const searchInbox = (q: string, signal?: AbortSignal) =>
  api<SearchResults>(`/api/v1/search?${new URLSearchParams({ q })}`, { signal });
export const fetchLabels = () => api<{ data: Label[] }>("/api/v1/labels").then((r) => r.data);
export const fetchCanned = () =>
  api<{ data: CannedResponse[] }>("/api/v1/canned-responses").then((r) => r.data);
export const fetchPeople = () => api<Page<Person>>("/api/v1/users?limit=200").then((r) => r.data);
export const fetchTeams = () => api<Page<Team>>("/api/v1/teams?limit=200").then((r) => r.data);
export const fetchTimeline = (conversationId: string, signal?: AbortSignal) =>
  api<Page<TimelineEventDto>>(`/api/v1/conversations/${conversationId}/events?limit=200`, { signal });
export const fetchNotifications = () => api<NotificationList>("/api/v1/notifications?limit=30");

/** GET /api/v1/contacts/{id}: ids, names, aliases and the conversations the viewer may see. */
export type ContactDetail = {
  id: string;
  bsuid: string | null;
  parent_bsuid: string | null;
  phone: string | null;
  username: string | null;
  name: string;
  address_book_name: string | null;
  profile_name: string | null;
  aliases: { kind: string; value: string; reason: string | null }[];
  legal_hold: boolean;
  created_at: string;
  conversations: {
    id: string;
    number: string;
    status: string;
    last_message_at: string | null;
    team_id: string | null;
  }[];
};

export const fetchContact = (id: string) => api<ContactDetail>(`/api/v1/contacts/${id}`);
export const fetchContactConsent = (id: string) => api<ContactConsentDto>(`/api/v1/contacts/${id}/consent`);

export function markNotificationsRead(input: { ids: number[] } | { all: true }) {
  return api(`/api/v1/notifications/read`, { method: "POST", body: JSON.stringify(input) });
}

/** One conversation action (assign, resolve, snooze…): POST /api/v1/conversations/{id}/{action}. */
export function conversationAction(conversationId: string, action: ConversationAction) {
  const base = `/api/v1/conversations/${conversationId}`;
  switch (action.kind) {
    case "assign":
      return api(`${base}/assign`, { method: "POST", body: JSON.stringify(action.body) });
    case "resolve":
    case "reopen":
      return api(`${base}/${action.kind}`, { method: "POST" });
    case "snooze":
      return api(`${base}/snooze`, { method: "POST", body: JSON.stringify({ until: action.until }) });
    case "priority":
      return api(`${base}/priority`, { method: "POST", body: JSON.stringify({ priority: action.priority }) });
    case "label":
      return api(`${base}/labels`, { method: "POST", body: JSON.stringify({ label_id: action.label.id }) });
    case "unlabel":
      return api(`${base}/labels/${action.label.id}`, { method: "DELETE" });
  }
}

export type ConversationAction =
  | {
      kind: "assign";
      body: { assignee_id?: string | null; team_id?: string | null };
      assigneeName?: string | null;
    }
  | { kind: "resolve" }
  | { kind: "reopen" }
  | { kind: "snooze"; until: string | null }
  | { kind: "priority"; priority: ConversationSummary["priority"] }
  | { kind: "label"; label: { id: string; name: string; color: string } }
  | { kind: "unlabel"; label: { id: string; name: string; color: string } };

export function addNote(conversationId: string, body: string, mentions: string[]) {
  return api<{ id: string; body: string; mentions: string[] }>(
    `/api/v1/conversations/${conversationId}/notes`,
    { method: "POST", body: JSON.stringify({ body, mentions }) },
  );
}

/** The conversation as it looks right after an action, for the optimistic update. */
export function applyAction(
  conversation: ConversationSummary,
  action: ConversationAction,
): ConversationSummary {
  switch (action.kind) {
    case "assign": {
      const next = { ...conversation };
      if (action.body.assignee_id !== undefined) {
        next.assignee_id = action.body.assignee_id;
        next.assignee_name = action.body.assignee_id === null ? null : (action.assigneeName ?? null);
      }
      if (action.body.team_id !== undefined) next.team_id = action.body.team_id;
      return next;
    }
    case "resolve":
      return { ...conversation, status: "resolved", resolved_at: new Date().toISOString() };
    case "reopen":
      return { ...conversation, status: "open", resolved_at: null };
    case "snooze":
      return { ...conversation, status: "snoozed", snoozed_until: action.until };
    case "priority":
      return { ...conversation, priority: action.priority };
    case "label":
      return conversation.labels.some((l) => l.id === action.label.id)
        ? conversation
        : { ...conversation, labels: [...conversation.labels, action.label] };
    case "unlabel":
      return { ...conversation, labels: conversation.labels.filter((l) => l.id !== action.label.id) };
  }
}

/** Whether the viewer may assign this conversation to someone else or move it (mirrors the server's rule). */
export function mayAssignOthers(
  viewer: Viewer,
  conversation: Pick<ConversationSummary, "team_id" | "assignee_id">,
) {
  if (!viewer.canAssign) return false;
  if (viewer.role === "admin") return true;
  if (conversation.assignee_id === viewer.id) return true;
  if (!conversation.team_id) return viewer.role === "supervisor";
  return viewer.teamIds.includes(conversation.team_id);
}
