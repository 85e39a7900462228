import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { createTeam } from "@/lib/teams";
import { GET as listRoute, POST as connectRoute } from "@/app/api/v1/numbers/route";
import { GET as getRoute, PATCH as patchRoute } from "@/app/api/v1/numbers/[id]/route";
import { GET as getSignupRoute, PUT as putSignupRoute } from "@/app/api/v1/numbers/signup-settings/route";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { addNumber, openNumberToken } from "./index";
import type { NumberDto } from "./schemas";

useTestDatabase();
const system = { actor: systemActor("test") };
const TOKEN = "EAAG-test-token-0123456789abcdefghij";

function request(method: string, path: string, cookie: string, body?: unknown) {
  return new NextRequest(`http://localhost${path}`, {
    method,
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const patch = (cookie: string, id: string, body: unknown) =>
  patchRoute(request("PATCH", `/api/v1/numbers/${id}`, cookie, body), { params: Promise.resolve({ id }) });

async function freshNumber(coexistence = true) {
  const digits = String(crypto.randomInt(10 ** 9, 10 ** 10));
  return addNumber({
    ctx: system,
    input: {
      wabaId: "4100" + digits,
      phoneNumberId: "5100" + digits,
      displayNumber: `+31 ${digits}`,
      coexistence,
    },
  });
}

async function auditOf(entityId: string) {
  return getDb().execute<{ action: string; data: Record<string, unknown> | null }>(
    sql`select action, data from audit_log where entity_id = ${entityId} order by id`,
  );
}

describe("PATCH /api/v1/numbers/:id", () => {
  it("changes throughput and default team, audited with old and new values", async () => {
    const admin = await cookieForNewUser("admin");
    const number = await freshNumber();
    const team = await createTeam({ ctx: system, input: { name: `Sales ${crypto.randomUUID()}` } });
    const res = await patch(admin, number.id, { send_rate_limit: 5, default_team_id: team.id });
    expect(res.status).toBe(200);
    const dto = (await res.json()) as NumberDto;
    expect(dto).toMatchObject({ send_rate_limit: 5, effective_send_rate: 5, default_team_id: team.id });
    // What the send limiter reads per send.
    const [row] = await getDb().execute<{ send_rate_limit: number; default_team_id: string }>(
      sql`select send_rate_limit, default_team_id from phone_numbers where id = ${number.id}`,
    );
    expect(row).toEqual({ send_rate_limit: 5, default_team_id: team.id });
    // Back to Meta's default (20 on Coexistence) and no team.
    const cleared = (await (
      await patch(admin, number.id, { send_rate_limit: null, default_team_id: null })
    ).json()) as NumberDto;
    expect(cleared).toMatchObject({ send_rate_limit: null, effective_send_rate: 20, default_team_id: null });
    const audit = await auditOf(number.id);
    expect(audit.map((a) => a.action)).toEqual(["number.added", "number.updated", "number.updated"]);
    expect(audit[1]?.data).toEqual({
      from: { send_rate_limit: null, default_team_id: null },
      to: { send_rate_limit: 5, default_team_id: team.id },
    });
  });

  it("stores the token sealed, never returns it, and never writes it to the audit log", async () => {
    const admin = await cookieForNewUser("admin");
    const number = await freshNumber();
    const res = await patch(admin, number.id, { access_token: TOKEN });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(TOKEN);
    expect(JSON.parse(text)).toMatchObject({ has_access_token: true });
    const [row] = await getDb().execute<{ access_token_sealed: string }>(
      sql`select access_token_sealed from phone_numbers where id = ${number.id}`,
    );
    expect(row?.access_token_sealed).not.toContain(TOKEN);
    expect(openNumberToken(row?.access_token_sealed ?? null)).toBe(TOKEN);
    for (const path of ["/api/v1/numbers", `/api/v1/numbers/${number.id}`]) {
      const read = path.endsWith("numbers")
        ? await listRoute(request("GET", path, admin), { params: Promise.resolve({}) })
        : await getRoute(request("GET", path, admin), { params: Promise.resolve({ id: number.id }) });
      const body = await read.text();
      expect(read.status).toBe(200);
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(row?.access_token_sealed ?? "??");
    }
    const audit = await auditOf(number.id);
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
    expect(audit.at(-1)?.data).toEqual({ from: { access_token: "none" }, to: { access_token: "replaced" } });
  });

  it("answers 422 naming the field, and changes nothing", async () => {
    const admin = await cookieForNewUser("admin");
    const number = await freshNumber();
    const cases: [unknown, string][] = [
      [{ send_rate_limit: 0 }, "send_rate_limit"],
      [{ send_rate_limit: 1001 }, "send_rate_limit"],
      [{ send_rate_limit: 2.5 }, "send_rate_limit"],
      [{ default_team_id: "not-a-uuid" }, "default_team_id"],
      [{ default_team_id: crypto.randomUUID() }, "default_team_id"],
      [{ access_token: "short" }, "access_token"],
      [{ coexistence_state: "active" }, "coexistence_state"],
    ];
    for (const [body, field] of cases) {
      const res = await patch(admin, number.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const error = ((await res.json()) as { error: { code: string; field: string } }).error;
      expect(error).toMatchObject({ code: "validation_failed", field });
    }
    expect((await auditOf(number.id)).map((a) => a.action)).toEqual(["number.added"]);
  });

  it("refuses supervisors and agents (403) before looking at the body, and 404s a missing number", async () => {
    const number = await freshNumber();
    for (const role of ["supervisor", "agent"] as const) {
      const res = await patch(await cookieForNewUser(role), number.id, { send_rate_limit: 0 });
      expect(res.status).toBe(403);
    }
    const admin = await cookieForNewUser("admin");
    expect((await patch(admin, crypto.randomUUID(), { send_rate_limit: 5 })).status).toBe(404);
    expect((await patch(admin, "nope", { send_rate_limit: 5 })).status).toBe(404);
    expect((await auditOf(number.id)).map((a) => a.action)).toEqual(["number.added"]);
  });
});

describe("POST /api/v1/numbers", () => {
  it("connects a number by hand with a sealed token; duplicates are 409, bad ids 422, agents 403", async () => {
    const admin = await cookieForNewUser("admin");
    const body = {
      waba_id: "420000000000001",
      phone_number_id: "520000000000001",
      display_number: "+31 20 000 0001",
      coexistence: true,
      access_token: TOKEN,
    };
    const post = (cookie: string, b: unknown) =>
      connectRoute(request("POST", "/api/v1/numbers", cookie, b), { params: Promise.resolve({}) });
    expect((await post(await cookieForNewUser("agent"), body)).status).toBe(403);
    const res = await post(admin, body);
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(TOKEN);
    const dto = JSON.parse(text) as NumberDto;
    expect(dto).toMatchObject({ has_access_token: true, coexistence: true, effective_send_rate: 20 });
    expect((await post(admin, body)).status).toBe(409);
    const bad = await post(admin, { ...body, phone_number_id: "12ab" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("phone_number_id");
    const audit = await auditOf(dto.id);
    expect(audit.map((a) => a.action)).toEqual(["number.added"]);
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
  });
});

describe("Embedded Signup settings", () => {
  it("admins store the app and configuration ids (audited); 422 names the field; supervisors read only", async () => {
    const admin = await cookieForNewUser("admin");
    const supervisor = await cookieForNewUser("supervisor");
    const put = (cookie: string, b: unknown) =>
      putSignupRoute(request("PUT", "/api/v1/numbers/signup-settings", cookie, b), {
        params: Promise.resolve({}),
      });
    const get = (cookie: string) =>
      getSignupRoute(request("GET", "/api/v1/numbers/signup-settings", cookie), {
        params: Promise.resolve({}),
      });
    expect(await (await get(admin)).json()).toEqual({ app_id: null, config_id: null });
    expect((await put(supervisor, { app_id: "1", config_id: "2" })).status).toBe(403);
    const bad = await put(admin, { app_id: "abc", config_id: "2" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe("app_id");
    expect((await put(admin, { app_id: "1234567890", config_id: "987654321" })).status).toBe(200);
    expect(await (await get(supervisor)).json()).toEqual({ app_id: "1234567890", config_id: "987654321" });
    const [audit] = await getDb().execute<{ action: string }>(
      sql`select action from audit_log where entity_id = 'numbers.embedded_signup'`,
    );
    expect(audit?.action).toBe("settings.changed");
  });
});

describe("GET /api/v1/numbers", () => {
  it("shows days left before the 14-day inactivity limit and the history import result", async () => {
    const admin = await cookieForNewUser("admin");
    const number = await freshNumber();
    await getDb().execute(sql`
      update phone_numbers set last_app_activity_at = now() - interval '12 days',
        history_state = 'complete', history_progress = 100, history_phase = 2,
        history_counts = '{"chunks":3,"threads":2,"messages":40,"duplicates":1}'
      where id = ${number.id}`);
    const res = await getRoute(request("GET", `/api/v1/numbers/${number.id}`, admin), {
      params: Promise.resolve({ id: number.id }),
    });
    const dto = (await res.json()) as NumberDto;
    expect(dto.app_inactivity_days_left).toBe(1);
    expect(dto.history).toMatchObject({ state: "complete", progress: 100, phase: 2 });
    expect(dto.history.counts.messages).toBe(40);
  });
});
