import { describe, expect, it } from "vitest";
import { isDatabaseConnectionError } from "./db-errors";

const coded = (code: string) => Object.assign(new Error(code), { code });

describe("isDatabaseConnectionError", () => {
  it("accepts Postgres shutdown and connection SQLSTATEs", () => {
    for (const code of ["57P01", "57P02", "57P03", "08000", "08003", "08006", "08P01"])
      expect(isDatabaseConnectionError(coded(code))).toBe(true);
  });

  it("accepts postgres.js connection codes and socket errnos", () => {
    for (const code of [
      "CONNECTION_CLOSED",
      "CONNECTION_ENDED",
      "CONNECTION_DESTROYED",
      "CONNECT_TIMEOUT",
      "ECONNRESET",
      "ECONNREFUSED",
      "EPIPE",
    ])
      expect(isDatabaseConnectionError(coded(code))).toBe(true);
  });

  it("looks through cause and an AggregateError of connection errors", () => {
    expect(isDatabaseConnectionError(new Error("wrapped", { cause: coded("ECONNREFUSED") }))).toBe(true);
    expect(
      isDatabaseConnectionError(new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")])),
    ).toBe(true);
    expect(isDatabaseConnectionError(new AggregateError([coded("ECONNREFUSED"), new Error("bug")]))).toBe(
      false,
    );
  });

  it("rejects programming errors, other SQLSTATEs and non-errors", () => {
    for (const error of [
      new TypeError("Cannot read properties of null (reading 'write')"),
      coded("23505"),
      coded("42P01"),
      coded("57014"), // query_canceled: not a lost connection
      coded("ENOENT"),
      "ECONNRESET",
      null,
      undefined,
      { code: 8006 },
    ])
      expect(isDatabaseConnectionError(error)).toBe(false);
  });
});
