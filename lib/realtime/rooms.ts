// Room names shared by the publisher and the socket server.
export const rooms = {
  user: (id: string) => `user:${id}`,
  team: (id: string) => `team:${id}`,
  /** Conversations without a team: visible to supervisors and admins. */
  teamless: "scope:teamless",
  /** Everything: admins. */
  all: "scope:all",
  /** Campaign progress: whoever may manage campaigns. */
  campaigns: "scope:campaigns",
} as const;
