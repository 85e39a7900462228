import crypto from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

/** Every stored column of an audit row except `prev_hash` (chained separately) and `hash` itself. */
export type HashedRow = {
  id: number;
  /** UTC with six fractional digits: Postgres keeps microseconds, so a changed microsecond is caught. */
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  /** `data::text` as Postgres returns it (jsonb reorders keys and normalises numbers), or null. */
  data: string | null;
};

/** sha256(prev_hash, newline, a JSON array of the row's fields in a fixed order): unambiguous and re-readable. */
export function auditHash(prevHash: string, row: HashedRow): string {
  const fields = [
    row.id,
    row.at,
    row.actorType,
    row.actorId,
    row.action,
    row.entityType,
    row.entityId,
    row.data,
  ];
  return crypto
    .createHash("sha256")
    .update(`${prevHash}\n${JSON.stringify(fields)}`)
    .digest("hex");
}

/** A JS date (milliseconds) in the same form as `to_char(at, AT_FORMAT)` reads back from Postgres. */
export function isoMicros(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

// The SQL counterpart of isoMicros, for `to_char(at at time zone 'UTC', AT_FORMAT)`.
export const AT_FORMAT = `YYYY-MM-DD"T"HH24:MI:SS.US"Z"`;
