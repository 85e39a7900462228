export const queryKeys = {
  conversations: {
    all: ["conversations"] as const,
    list: (view: string) => ["conversations", "list", view] as const,
    /** One inbox view with its filters (infinite, cursor pages); under `all` so every nudge refetches it. */
    page: (filters: Record<string, string>) => ["conversations", "page", filters] as const,
    counts: ["conversations", "counts"] as const,
    search: (q: string) => ["conversations", "search", q] as const,
  },
  /** Under the thread's messages key, so the same conversation.changed nudge refetches the timeline. */
  events: (conversationId: string) => ["messages", conversationId, "events"] as const,
  labels: ["labels"] as const,
  canned: ["canned-responses"] as const,
  notifications: ["notifications"] as const,
  people: ["people", "users"] as const,
  teams: ["people", "teams"] as const,
  messages: (conversationId: string) => ["messages", conversationId] as const,
  numbers: ["numbers"] as const,
  templates: (filters: Record<string, string>) => ["templates", filters] as const,
  campaigns: {
    all: ["campaigns"] as const,
    one: (id: string) => ["campaigns", "one", id] as const,
  },
  template: (id: string) => ["templates", "one", id] as const,
};
