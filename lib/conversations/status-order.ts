// Receipt order (PROTOCOL.md §1.3): sent < delivered < read < played; a status never goes backwards.
// failed ranks just above sent, so a late "sent" cannot hide a failure but a real delivery still wins.
export const STATUS_ORDER = ["queued", "sent", "failed", "delivered", "read", "played"] as const;
export type MessageStatus = (typeof STATUS_ORDER)[number];

export function statusRank(status: string | null | undefined): number {
  return status ? STATUS_ORDER.indexOf(status as MessageStatus) : -1;
}

/** SQL for the same order, for use as array_position(STATUS_ORDER_SQL, status::text). */
export const STATUS_ORDER_SQL = `array['${STATUS_ORDER.join("','")}']::text[]`;
