import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as getSessionsRoute } from "@/app/api/v1/me/sessions/route";
import { POST as revokeRoute } from "@/app/api/v1/me/sessions/[id]/revoke/route";
import { POST as everywhereRoute } from "@/app/api/v1/me/sign-out-everywhere/route";
import { POST as passwordRoute } from "@/app/api/v1/me/password/route";
import { systemActor } from "@/lib/auth/actor";
import { getDb, onDatabaseQuery } from "@/lib/db/client";
import { roles, teamMembers, teams, userSessions, users } from "@/lib/db/schema";
import { setSetting } from "@/lib/settings";
import { createUser, disableUser, updateUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { cookieFor, sessionFor } from "@/tests/int/session-cookie";
import { confirmMfaEnrolment } from "./confirm-mfa-enrolment";
import { actorFromHeaders, sessionFromHeaders } from "./session";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./sessions";
import { endSession } from "./sign-out";
import { signInWithPassword } from "./sign-in";
import { startMfaEnrolment } from "./start-mfa-enrolment";
import { totpCode } from "./totp";

// BENCHMARKS.md R13: server-side sessions behind the JWT, checked on every request.
useTestDatabase();
const system = { actor: systemActor("test") };
const PASSWORD = "correct horse battery staple";

async function newUser(role: "admin" | "supervisor" | "agent" = "agent") {
  const email = `s-${crypto.randomUUID()}@example.com`;
  const user = await createUser({ ctx: system, input: { email, name: "S", role, password: PASSWORD } });
  return { ...user, email };
}
const headers = (cookie: string) => new Headers({ cookie });
const get = (cookie: string) =>
  getSessionsRoute(new NextRequest("http://localhost/api/v1/me/sessions", { headers: { cookie } }), {
    params: Promise.resolve({}),
  });
const post = (url: string, cookie: string, body?: unknown) =>
  new NextRequest(`http://localhost${url}`, {
    method: "POST",
    headers: { cookie, origin: "http://localhost", host: "localhost", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function signedIn(email: string) {
  const result = await signInWithPassword({ email, password: PASSWORD, ip: "192.0.2.1", userAgent: "test" });
  if (!result.ok) throw new Error(`sign-in failed: ${JSON.stringify(result)}`);
  const cookie = await cookieFor({
    userId: result.user.id,
    sessionId: result.sessionId,
    sessionVersion: result.user.sessionVersion,
  });
  return { cookie, sessionId: result.sessionId };
}

describe("sessions (R13)", () => {
  it("gives every sign-in a new session id and ends the browser's previous one", async () => {
    const user = await newUser();
    const first = await signedIn(user.email);
    const second = await signInWithPassword({
      email: user.email,
      password: PASSWORD,
      ip: "192.0.2.1",
      userAgent: "test",
      previous: { userId: user.id, sessionId: first.sessionId },
    });
    expect(second.ok && second.sessionId).not.toBe(first.sessionId);
    expect(await actorFromHeaders(headers(first.cookie))).toBeUndefined();
  });

  it("sign-out and revoking a session end it on the next request", async () => {
    const user = await newUser();
    const a = await signedIn(user.email);
    const b = await signedIn(user.email);
    expect((await get(a.cookie)).status).toBe(200);
    const list = (await (await get(a.cookie)).json()) as { data: { id: string; current: boolean }[] };
    expect(list.data.map((s) => s.id).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(list.data.find((s) => s.current)?.id).toBe(a.sessionId);

    const revoked = await revokeRoute(post(`/api/v1/me/sessions/${b.sessionId}/revoke`, a.cookie), {
      params: Promise.resolve({ id: b.sessionId }),
    });
    expect(revoked.status).toBe(200);
    expect((await get(b.cookie)).status).toBe(401);
    // Someone else's session id is not found, not revoked.
    const other = await signedIn((await newUser()).email);
    const foreign = await revokeRoute(post(`/api/v1/me/sessions/${other.sessionId}/revoke`, a.cookie), {
      params: Promise.resolve({ id: other.sessionId }),
    });
    expect(foreign.status).toBe(404);
    expect((await get(other.cookie)).status).toBe(200);

    await endSession({ userId: user.id, sessionId: a.sessionId });
    expect((await get(a.cookie)).status).toBe(401);
  });

  it("sign out everywhere ends every session, this one too", async () => {
    const user = await newUser();
    const a = await signedIn(user.email);
    const b = await signedIn(user.email);
    expect(
      (
        await everywhereRoute(post("/api/v1/me/sign-out-everywhere", a.cookie), {
          params: Promise.resolve({}),
        })
      ).status,
    ).toBe(200);
    expect((await get(a.cookie)).status).toBe(401);
    expect((await get(b.cookie)).status).toBe(401);
  });

  it("refuses a cross-site state change even with the cookie", async () => {
    const user = await newUser();
    const a = await signedIn(user.email);
    const req = new NextRequest("http://localhost/api/v1/me/sign-out-everywhere", {
      method: "POST",
      headers: { cookie: a.cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect((await everywhereRoute(req, { params: Promise.resolve({}) })).status).toBe(403);
    expect((await get(a.cookie)).status).toBe(200);
  });

  it("ends idle sessions after 30 minutes and every session after 12 hours, and touches at most once a minute", async () => {
    const user = await newUser();
    const idle = await sessionFor(user.id, { now: new Date(Date.now() - SESSION_IDLE_MS - 60_000) });
    expect(await actorFromHeaders(headers(idle.cookie))).toBeUndefined();

    const old = await sessionFor(user.id, { now: new Date(Date.now() - SESSION_ABSOLUTE_MS - 60_000) });
    await getDb()
      .update(userSessions)
      .set({ lastSeenAt: new Date() })
      .where(eq(userSessions.id, old.sessionId));
    expect(await actorFromHeaders(headers(old.cookie))).toBeUndefined();

    const recent = await sessionFor(user.id, { now: new Date(Date.now() - 20_000) });
    const seen = async () =>
      (await getDb().select().from(userSessions).where(eq(userSessions.id, recent.sessionId)))[0]!.lastSeenAt;
    const before = await seen();
    expect(await actorFromHeaders(headers(recent.cookie))).toBeDefined();
    expect((await seen()).getTime()).toBe(before.getTime());
    const stale = new Date(Date.now() - 5 * 60_000);
    await getDb()
      .update(userSessions)
      .set({ lastSeenAt: stale })
      .where(eq(userSessions.id, recent.sessionId));
    expect(await actorFromHeaders(headers(recent.cookie))).toMatchObject({
      id: user.id,
      via: { kind: "session", sessionId: recent.sessionId },
    });
    expect((await seen()).getTime()).toBeGreaterThan(stale.getTime() + 60_000);
  });

  it("checks a request's session, its user, teams and custom role in one query", async () => {
    const user = await newUser();
    const db = getDb();
    const [role] = await db
      .insert(roles)
      .values({
        name: `r-${crypto.randomUUID()}`,
        permissions: ["conversations:read", "no-longer-a-permission"],
      })
      .returning();
    await db.update(users).set({ customRoleId: role!.id }).where(eq(users.id, user.id));
    const made = await db
      .insert(teams)
      .values([{ name: `t-${crypto.randomUUID()}` }, { name: `t-${crypto.randomUUID()}` }])
      .returning();
    await db.insert(teamMembers).values([
      { teamId: made[0]!.id, userId: user.id, isManager: true },
      { teamId: made[1]!.id, userId: user.id },
    ]);
    const { cookie } = await sessionFor(user.id);
    await actorFromHeaders(headers(cookie)); // decodes the cookie once (kept) and touches the new session

    const sent: string[] = [];
    const stop = onDatabaseQuery((query) => sent.push(query));
    const actor = await actorFromHeaders(headers(cookie)).finally(stop);
    expect(sent).toHaveLength(1);
    expect(actor).toMatchObject({ type: "user", id: user.id, role: "agent", managedTeamIds: [made[0]!.id] });
    expect(actor?.type === "user" && [...actor.teamIds].sort()).toEqual(made.map((t) => t.id).sort());
    // A permission dropped from the catalogue since the role was saved is never granted.
    expect(actor?.type === "user" && actor.permissions).toEqual(["conversations:read"]);
  });

  it("disabling a user or changing their role ends their sessions on the next request", async () => {
    const admin = {
      actor: { type: "user" as const, id: (await newUser("admin")).id, role: "admin" as const, teamIds: [] },
    };
    const a = await newUser();
    const b = await newUser();
    const sa = await sessionFor(a.id);
    const sb = await sessionFor(b.id);
    expect((await get(sa.cookie)).status).toBe(200);
    await disableUser({ ctx: admin, input: { id: a.id } });
    expect((await get(sa.cookie)).status).toBe(401);
    await updateUser({ ctx: admin, input: { id: b.id, changes: { role: "supervisor" } } });
    expect((await get(sb.cookie)).status).toBe(401);
  });

  it("MFA enrolment ends the user's other sessions and marks this one verified", async () => {
    const user = await newUser("agent");
    const here = await sessionFor(user.id, { mfaVerified: false });
    const elsewhere = await sessionFor(user.id, { mfaVerified: false });
    const state = await sessionFromHeaders(headers(here.cookie));
    const ctx = { actor: state!.actor };
    const start = await startMfaEnrolment({ ctx });
    await confirmMfaEnrolment({
      ctx,
      input: { enrolment_token: start.enrolment_token, code: await totpCode(start.secret) },
    });
    expect(await actorFromHeaders(headers(elsewhere.cookie))).toBeUndefined();
    expect(await actorFromHeaders(headers(here.cookie))).toBeDefined();
    // A token sealed for this user does not enrol anyone else.
    const other = await newUser();
    const otherSession = await sessionFromHeaders(headers((await sessionFor(other.id)).cookie));
    await expect(
      confirmMfaEnrolment({
        ctx: { actor: otherSession!.actor },
        input: { enrolment_token: start.enrolment_token, code: await totpCode(start.secret) },
      }),
    ).rejects.toThrow(/expired/);
  });

  it("holds admins without MFA, and everyone once MFA is required for all, at the enrolment step (403)", async () => {
    const admin = await newUser("admin");
    const pending = await signedIn(admin.email);
    const res = await get(pending.cookie);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "mfa_enrollment_required" } });
    expect((await sessionFromHeaders(headers(pending.cookie)))?.mfaPending).toBe(true);

    const agent = await newUser("agent");
    const agentSession = await signedIn(agent.email);
    expect((await get(agentSession.cookie)).status).toBe(200);
    await setSetting({ ctx: system, input: { key: "mfa.required_for_all", value: true } });
    expect((await get(agentSession.cookie)).status).toBe(403);
    await setSetting({ ctx: system, input: { key: "mfa.required_for_all", value: false } });
    expect((await get(agentSession.cookie)).status).toBe(200);
  });

  it("changes the password with the policy applied, ending the other sessions", async () => {
    const user = await newUser();
    const a = await signedIn(user.email);
    const b = await signedIn(user.email);
    const change = (body: unknown) =>
      passwordRoute(post("/api/v1/me/password", a.cookie, body), { params: Promise.resolve({}) });
    const weak = await change({ current_password: PASSWORD, new_password: "Password2024!" });
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { error: { message: string } }).error.message).toMatch(/common/);
    expect(
      (await change({ current_password: "nope-nope-nope", new_password: "a quiet lighthouse keeper" }))
        .status,
    ).toBe(422);
    const ok = await change({ current_password: PASSWORD, new_password: "a quiet lighthouse keeper" });
    expect(ok.status).toBe(200);
    expect((await get(a.cookie)).status).toBe(200);
    expect((await get(b.cookie)).status).toBe(401);
    const [row] = await getDb().select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordChangedAt).not.toBeNull();
  });

  it("refuses a forged session id or a stale session version", async () => {
    const user = await newUser();
    const real = await sessionFor(user.id);
    const forged = await cookieFor({ userId: user.id, sessionId: crypto.randomUUID(), sessionVersion: 0 });
    expect(await actorFromHeaders(headers(forged))).toBeUndefined();
    const stale = await cookieFor({ userId: user.id, sessionId: real.sessionId, sessionVersion: 7 });
    expect(await actorFromHeaders(headers(stale))).toBeUndefined();
    const stolen = await cookieFor({
      userId: (await newUser()).id,
      sessionId: real.sessionId,
      sessionVersion: 0,
    });
    expect(await actorFromHeaders(headers(stolen))).toBeUndefined();
  });
});
