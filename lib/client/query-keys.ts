export const queryKeys = {
  conversations: {
    all: ["conversations"] as const,
    list: (view: string) => ["conversations", "list", view] as const,
  },
  messages: (conversationId: string) => ["messages", conversationId] as const,
  numbers: ["numbers"] as const,
  templates: (filters: Record<string, string>) => ["templates", filters] as const,
};
