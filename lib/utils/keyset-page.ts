import { sql, type SQL } from "drizzle-orm";
import { encodeCursor } from "./cursor";

/**
 * A row's created_at at full (microsecond) precision for a keyset cursor: a millisecond ISO string would
 * round below the stored value and repeat (or skip) the boundary row on the next page.
 */
export const cursorAt = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at`;

/** Rows fetched with limit + 1: the page, and a cursor when there is more. */
export function toPage<R extends { id: string; cursor_at: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): { data: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page[page.length - 1] : undefined;
  return {
    data: page.map(map),
    next_cursor: last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
  };
}
