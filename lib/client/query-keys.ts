export const queryKeys = {
  conversations: {
    all: ["conversations"] as const,
    list: (view: string) => ["conversations", "list", view] as const,
  },
  messages: (conversationId: string) => ["messages", conversationId] as const,
  numbers: ["numbers"] as const,
  templates: (filters: Record<string, string>) => ["templates", filters] as const,
  campaigns: {
    all: ["campaigns"] as const,
    one: (id: string) => ["campaigns", "one", id] as const,
  },
  template: (id: string) => ["templates", "one", id] as const,
};
