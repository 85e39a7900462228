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

// `at` as hashed: `to_char(at at time zone 'UTC', AT_FORMAT)`, UTC to the microsecond (drizzle/0027 uses the same).
export const AT_FORMAT = `YYYY-MM-DD"T"HH24:MI:SS.US"Z"`;
