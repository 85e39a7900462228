// Query keys for the bots admin pages (kept here: lib/client/query-keys.ts is shared by other features).
export const botKeys = {
  all: ["bots"] as const,
  list: ["bots", "list"] as const,
  flow: (numberId: string) => ["bots", "flow", numberId] as const,
};
