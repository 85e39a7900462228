import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./api";
import { explainSendError, newIdempotencyKey, retryDelay, sendMessage } from "./send";

const body = { type: "text" as const, text: "Hola" };
const noWait = { sleep: () => Promise.resolve() };

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

afterEach(() => vi.unstubAllGlobals());

describe("sendMessage", () => {
  it("retries a network failure with the same Idempotency-Key, so the server sends once", async () => {
    const keys: (string | null)[] = [];
    const fetch = vi.fn(async (_path: string, init?: RequestInit) => {
      keys.push(new Headers(init?.headers).get("idempotency-key"));
      if (keys.length === 1) throw new TypeError("Failed to fetch");
      return json(200, { id: "m1", status: "queued" });
    });
    vi.stubGlobal("fetch", fetch);
    const message = await sendMessage("c1", body, "key-1", noWait);
    expect(message).toMatchObject({ id: "m1" });
    expect(keys).toEqual(["key-1", "key-1"]);
    expect(fetch.mock.calls[0]![0]).toBe("/api/v1/conversations/c1/messages");
  });

  it("does not retry a refusal and surfaces its code", async () => {
    const fetch = vi.fn(async () =>
      json(422, { error: { code: "window_closed", message: "The 24-hour window is closed" } }),
    );
    vi.stubGlobal("fetch", fetch);
    await expect(sendMessage("c1", body, "k", noWait)).rejects.toMatchObject({ code: "window_closed" });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("gives up after the last delay", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    vi.stubGlobal("fetch", fetch);
    await expect(sendMessage("c1", body, "k", { ...noWait, delays: [1, 1] })).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe("retryDelay", () => {
  it("waits at least what a 429 asks for", () => {
    const limited = new ApiError(429, "rate_limited", "slow down", { retry_after_ms: 2_000 });
    expect(retryDelay(limited, 0, [500])).toBe(2_000);
  });

  it("retries 5xx and 409 (the same key still in flight), not other 4xx", () => {
    expect(retryDelay(new ApiError(503, "http_error", "x"), 0, [10])).toBe(10);
    expect(retryDelay(new ApiError(409, "conflict", "x"), 0, [10])).toBe(10);
    expect(retryDelay(new ApiError(422, "validation_failed", "x"), 0, [10])).toBeNull();
    expect(retryDelay(new Error("bug"), 0, [10])).toBeNull();
  });
});

describe("explainSendError", () => {
  it("drops the field prefix of a validation message", () => {
    const error = new ApiError(422, "validation_failed", "text Messages are at most 4096 characters", {
      field: "text",
    });
    expect(explainSendError(error)).toBe("Messages are at most 4096 characters");
  });

  it("keeps a field prefix that is part of the sentence", () => {
    const error = new ApiError(422, "validation_failed", "reply_to names a message that is not sent yet", {
      field: "reply_to",
    });
    expect(explainSendError(error)).toBe("reply_to names a message that is not sent yet");
  });
});

describe("newIdempotencyKey", () => {
  it("makes a v4 UUID, also without randomUUID (plain-http pages)", () => {
    expect(newIdempotencyKey()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const original = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (a: Uint8Array) => original.getRandomValues(a) });
    expect(newIdempotencyKey()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
