import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { errorResponse } from "./route";

describe("errorResponse", () => {
  it("answers a lost database connection with 503 and Retry-After, not 500", async () => {
    const lost = Object.assign(new Error("write CONNECTION_CLOSED 127.0.0.1:5432"), {
      code: "CONNECTION_CLOSED",
    });
    const response = errorResponse(lost, "req-1");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    // Wrapped by Drizzle (cause) and Postgres' own shutdown code count too.
    expect(errorResponse(new Error("query failed", { cause: lost }), "r").status).toBe(503);
    expect(errorResponse(Object.assign(new Error("shutting down"), { code: "57P01" }), "r").status).toBe(503);
  });

  it("keeps 500 for a bug and the mapped status for our own errors", () => {
    expect(errorResponse(new TypeError("x is undefined"), "r").status).toBe(500);
    expect(errorResponse(new ValidationError("name is required", { field: "name" }), "r").status).toBe(422);
  });
});
