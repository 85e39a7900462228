import { encode } from "next-auth/jwt";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { setRuntimeEnv } from "@/lib/env.js";
import { readSessionToken } from "./session";

const SECRET = "session-test-secret-0123456789abcdefghijkl";
const COOKIE = "authjs.session-token";

async function cookie(claims: { uid: string; sid: string; sv: number }, maxAge?: number) {
  const token = await encode({ token: claims, secret: SECRET, salt: COOKIE, ...(maxAge ? { maxAge } : {}) });
  return new Headers({ cookie: `theme=dark; ${COOKIE}=${token}` });
}

/** Whether the promise settles before the event loop turns once (no thread-pool crypto in between). */
async function settlesWithinTurn(promise: Promise<unknown>): Promise<boolean> {
  let turned = false;
  const immediate = setImmediate(() => (turned = true));
  await promise;
  clearImmediate(immediate);
  return !turned;
}

describe("readSessionToken", () => {
  beforeAll(() => setRuntimeEnv({ AUTH_SECRET: SECRET }));
  afterEach(() => {
    vi.useRealTimers();
    setRuntimeEnv({ AUTH_SECRET: SECRET });
  });

  it("decrypts a cookie once and reads it again without decrypting", async () => {
    const headers = await cookie({ uid: crypto.randomUUID(), sid: crypto.randomUUID(), sv: 3 });
    const first = readSessionToken(headers);
    expect(await settlesWithinTurn(first)).toBe(false);
    const claims = await first;
    expect(claims).toMatchObject({ sessionVersion: 3 });
    const again = readSessionToken(headers);
    expect(await settlesWithinTurn(again)).toBe(true);
    expect(await again).toEqual(claims);
  });

  it("refuses a tampered cookie and one sealed with another secret, even after the real one was read", async () => {
    const headers = await cookie({ uid: crypto.randomUUID(), sid: crypto.randomUUID(), sv: 0 });
    expect(await readSessionToken(headers)).toBeDefined();
    const value = headers.get("cookie")!;
    const flipped = value.slice(0, -3) + (value.at(-3) === "A" ? "B" : "A") + value.slice(-2);
    expect(await readSessionToken(new Headers({ cookie: flipped }))).toBeUndefined();
    setRuntimeEnv({ AUTH_SECRET: "another-secret-0123456789abcdefghijklmn" });
    expect(await readSessionToken(headers)).toBeUndefined();
  });

  it("stops accepting a remembered cookie once its JWT has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T10:00:00Z"));
    const headers = await cookie({ uid: crypto.randomUUID(), sid: crypto.randomUUID(), sv: 0 }, 60);
    expect(await readSessionToken(headers)).toBeDefined();
    // Inside next-auth's 15 s clock tolerance it still counts; past it, neither the memory nor a new decode does.
    vi.setSystemTime(new Date("2026-01-01T10:01:10Z"));
    expect(await readSessionToken(headers)).toBeDefined();
    vi.setSystemTime(new Date("2026-01-01T10:01:20Z"));
    expect(await readSessionToken(headers)).toBeUndefined();
  });
});
