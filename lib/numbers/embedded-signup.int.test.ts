import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as signupRoute } from "@/app/api/v1/numbers/embedded-signup/route";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { registerSignupCode } from "@/lib/simulator/graph";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import { TEST_APP_SECRET, useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { openNumberToken, setSignupSettings } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };
const APP_ID = "1234567890123";
const numbers = [1, 2, 3].map((i) => ({
  wabaId: `47000000000000${i}`,
  phoneNumberId: `17000000000000${i}`,
  displayNumber: `155501700${i}`,
  coexistence: true,
}));
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    // No webhooks are delivered in these tests.
    appWebhookUrl: "http://127.0.0.1:9/unused",
    appSecret: TEST_APP_SECRET,
    accessToken: "simulator-token",
    numbers,
    log: () => {},
  });
  setRuntimeEnv({ GRAPH_API_BASE: sim.url, META_APP_SECRET: TEST_APP_SECRET });
});
afterAll(async () => {
  await sim?.stop();
});

const post = (cookie: string, body: unknown) =>
  signupRoute(
    new NextRequest("http://localhost/api/v1/numbers/embedded-signup", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
const signup = (n: (typeof numbers)[number], code: string) => ({
  code,
  waba_id: n.wabaId,
  phone_number_id: n.phoneNumberId,
  coexistence: true,
});
type ErrorBody = { error: { code: string; message: string; field?: string } };

describe("POST /api/v1/numbers/embedded-signup", () => {
  it("exchanges Meta's code for a sealed token and connects the number; bad codes are a clear 4xx", async () => {
    const admin = await cookieForNewUser("admin");
    const supervisor = await cookieForNewUser("supervisor");

    const unconfigured = await post(admin, signup(numbers[0]!, "sim-signup-early"));
    expect(unconfigured.status).toBe(409);
    expect(((await unconfigured.json()) as ErrorBody).error.message).toMatch(/app id/);
    await setSignupSettings({ ctx: system, input: { app_id: APP_ID, config_id: "987654321" } });

    expect((await post(supervisor, signup(numbers[0]!, "sim-signup-x"))).status).toBe(403);
    const malformed = await post(admin, { ...signup(numbers[0]!, "sim-signup-x"), waba_id: "abc" });
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as ErrorBody).error.field).toBe("waba_id");

    // Meta's own words come through for a code it refuses.
    const bad = await post(admin, signup(numbers[0]!, "not-a-real-code"));
    expect(bad.status).toBe(422);
    const badBody = (await bad.json()) as ErrorBody;
    expect(badBody.error).toMatchObject({ code: "validation_failed", field: "code" });
    expect(badBody.error.message).toContain("Invalid verification code format.");

    const code = `AQD${crypto.randomBytes(12).toString("hex")}`;
    registerSignupCode(sim.state, code);
    const res = await post(admin, signup(numbers[0]!, code));
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const dto = JSON.parse(text) as Record<string, unknown>;
    expect(dto).toMatchObject({
      waba_id: numbers[0]!.wabaId,
      phone_number_id: numbers[0]!.phoneNumberId,
      display_number: `+${numbers[0]!.displayNumber}`,
      coexistence: true,
      has_access_token: true,
    });

    // The token Meta handed out is the one stored, sealed; it is never returned or audited.
    const exchange = sim.state.requests.filter((r) => r.path.endsWith("/oauth/access_token"));
    const issued = (exchange.at(-1)!.response as { access_token: string }).access_token;
    expect(exchange.at(-1)!.query).toMatchObject({ client_id: APP_ID, code });
    expect(exchange.at(-1)!.headers.authorization).toBeUndefined();
    const [row] = await getDb().execute<{ access_token_sealed: string }>(
      sql`select access_token_sealed from phone_numbers where id = ${dto.id as string}`,
    );
    expect(row!.access_token_sealed).not.toContain(issued);
    expect(openNumberToken(row!.access_token_sealed)).toBe(issued);
    expect(text).not.toContain(issued);
    expect(text).not.toContain(TEST_APP_SECRET);
    // The new token was what subscribed the app to the WABA's webhooks.
    const subscribe = sim.state.requests.find(
      (r) => r.method === "POST" && r.path.endsWith(`/${numbers[0]!.wabaId}/subscribed_apps`),
    );
    expect(subscribe?.status).toBe(200);
    const audit = await getDb().execute<{ action: string; data: unknown }>(
      sql`select action, data from audit_log where entity_id = ${dto.id as string} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(["number.added", "number.embedded_signup"]);
    expect(JSON.stringify(audit)).not.toContain(issued);
    expect(JSON.stringify(audit)).not.toContain(TEST_APP_SECRET);

    // Codes are single-use; the same number twice is refused before the code is spent.
    const reused = await post(admin, signup(numbers[1]!, code));
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as ErrorBody).error.message).toContain("has been used");
    expect((await post(admin, signup(numbers[0]!, "sim-signup-again"))).status).toBe(409);
  });

  it("a wrong app secret is a configuration error naming it, not the admin's input", async () => {
    const admin = await cookieForNewUser("admin");
    await setSignupSettings({ ctx: system, input: { app_id: APP_ID, config_id: "987654321" } });
    setRuntimeEnv({ META_APP_SECRET: "not-the-app-secret" });
    try {
      const res = await post(admin, signup(numbers[2]!, "sim-signup-secret"));
      expect(res.status).toBe(409);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.message).toMatch(/META_APP_SECRET.*Error validating client secret/);
      expect(JSON.stringify(body)).not.toContain("not-the-app-secret");
    } finally {
      setRuntimeEnv({ META_APP_SECRET: TEST_APP_SECRET });
    }
    const [n] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from phone_numbers where phone_number_id = ${numbers[2]!.phoneNumberId}`,
    );
    expect(n!.n).toBe(0);
  });
});
