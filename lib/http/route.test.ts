import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { errorResponse, route, ServerTiming } from "./route";

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

describe("Server-Timing", () => {
  const header = /^auth;dur=\d+\.\d, handler;dur=\d+\.\d, total;dur=\d+\.\d$/;

  it("names each phase and the total once the caller is authenticated, also when the handler throws", async () => {
    const timing = new ServerTiming();
    expect(await timing.measure("auth", async () => "actor")).toBe("actor");
    timing.authenticated = true;
    await expect(
      timing.measure("handler", () => Promise.reject(new ValidationError("x", { field: "x" }))),
    ).rejects.toBeInstanceOf(ValidationError);
    const response = timing.addTo(Response.json({ ok: true }));
    expect(response.headers.get("server-timing")).toMatch(header);
  });

  it("gives an anonymous caller no timing of the credential checks", async () => {
    const timing = new ServerTiming();
    await timing.measure("auth", async () => undefined);
    expect(timing.addTo(Response.json({})).headers.has("server-timing")).toBe(false);
    // Through the wrapper: no cookie and no key is a 401 without the header, and the handler never runs.
    let ran = false;
    const handler = route(async () => {
      ran = true;
      return {};
    });
    const res = await handler(new NextRequest("http://localhost/api/v1/me"), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(401);
    expect(res.headers.has("server-timing")).toBe(false);
    expect(ran).toBe(false);
  });

  it("passes on a response whose headers cannot change", async () => {
    const timing = new ServerTiming();
    timing.authenticated = true;
    const redirect = Response.redirect("http://localhost/elsewhere", 302);
    expect(timing.addTo(redirect)).toBe(redirect);
    expect(redirect.headers.has("server-timing")).toBe(false);
  });
});
