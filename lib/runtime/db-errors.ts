// Which unhandled rejections a process may survive. pg-boss 10 calls complete/fail without awaiting them
// (timgit/pg-boss#577), so a Postgres restart surfaces as an unhandled rejection; the pool reconnects by itself.

// SQLSTATE class 08 (connection exception) and 57P01-57P05 (admin/crash shutdown, cannot connect now, idle timeout).
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[0-9])$/;
// postgres.js' own connection error codes.
const DRIVER_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);
// Node socket errno codes when the server goes away mid-connection or refuses a new one.
const ERRNO_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE"]);

/** True when `error` (or an error it wraps as `cause`) is a lost or refused database connection. */
export function isDatabaseConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (SQLSTATE.test(code) || DRIVER_CODES.has(code) || ERRNO_CODES.has(code)))
    return true;
  // An AggregateError (e.g. from a multi-address connect) is a connection error when all its parts are.
  const errors = (error as { errors?: unknown }).errors;
  if (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => isDatabaseConnectionError(e, depth + 1))
  )
    return true;
  return isDatabaseConnectionError((error as { cause?: unknown }).cause, depth + 1);
}
