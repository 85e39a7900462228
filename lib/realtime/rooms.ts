// Room names shared by the publisher and the socket server.
export const rooms = {
  user: (id: string) => `user:${id}`,
  /** Presence (viewing, typing) on one conversation: joined after a read-permission check. */
  conversation: (id: string) => `conversation:${id}`,
  team: (id: string) => `team:${id}`,
  /** Conversations without a team: visible to supervisors and admins. */
  teamless: "scope:teamless",
  /** Everything: admins. */
  all: "scope:all",
  /** Campaign progress: whoever may manage campaigns. */
  campaigns: "scope:campaigns",
  /** The supervisor board (joined on request, conversations:assign): everything, teamless, or one team. */
  boardAll: "board:all",
  boardTeamless: "board:teamless",
  boardTeam: (id: string) => `board:team:${id}`,
} as const;
