import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { verifyPassword } from "@/lib/auth/password";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createRole } from "@/lib/roles";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import {
  createUser,
  disableUser,
  enableUser,
  getUser,
  inviteUser,
  listUsers,
  loadActor,
  resetMfa,
  updateUser,
} from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };

async function person(role: "admin" | "supervisor" | "agent", teamIds: string[] = []) {
  const user = await createUser({
    ctx: system,
    input: {
      email: `${role}-${crypto.randomUUID()}@example.com`,
      name: `${role} person`,
      role,
      password: "correct horse battery staple",
      teamIds,
    },
  });
  return (await actorOf(user.id))!;
}
async function actorOf(id: string) {
  const [row] = await getDb().execute<{ sv: number }>(
    sql`select session_version as sv from users where id = ${id}`,
  );
  return loadActor(getDb(), id, Number(row!.sv)) as Promise<(Actor & { type: "user" }) | undefined>;
}
const sessionVersion = async (id: string) =>
  Number(
    (await getDb().execute<{ sv: number }>(sql`select session_version as sv from users where id = ${id}`))[0]!
      .sv,
  );
const audit = async (action: string, entityId: string) =>
  getDb().execute<{ actor_id: string }>(
    sql`select actor_id from audit_log where action = ${action} and entity_id = ${entityId}`,
  );

describe("people admin", () => {
  it("invites with a one-time password that must be changed, audited, and never shows it again", async () => {
    const admin = await person("admin");
    const team = await createTeam({ ctx: system, input: { name: `Invite ${crypto.randomUUID()}` } });
    const result = await inviteUser({
      ctx: { actor: admin },
      input: {
        email: `New-${crypto.randomUUID()}@Example.com`,
        name: "New Agent",
        role: "agent",
        team_ids: [team.id],
      },
    });
    expect(result.initial_password.length).toBeGreaterThanOrEqual(16);
    expect(result.user).toMatchObject({ role: "agent", must_change_password: true, status: "active" });
    expect(result.user.email).toBe(result.user.email.toLowerCase());
    expect(result.user.teams.map((t) => t.id)).toEqual([team.id]);
    const [row] = await getDb().execute<{ password_hash: string }>(
      sql`select password_hash from users where id = ${result.user.id}`,
    );
    expect(row!.password_hash).not.toContain(result.initial_password);
    expect(await verifyPassword(row!.password_hash, result.initial_password)).toBe(true);
    expect(await audit("user.created", result.user.id)).toHaveLength(1);
    expect(
      JSON.stringify(await getUser({ ctx: { actor: admin }, input: { id: result.user.id } })),
    ).not.toContain(result.initial_password);
  });

  it("refuses agents and supervisors, unknown fields and unknown teams", async () => {
    const agent = await person("agent");
    const supervisor = await person("supervisor");
    const admin = await person("admin");
    const input = { email: `x-${crypto.randomUUID()}@example.com`, name: "X", role: "agent" as const };
    await expect(inviteUser({ ctx: { actor: agent }, input })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inviteUser({ ctx: { actor: supervisor }, input })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      inviteUser({ ctx: { actor: admin }, input: { ...input, password_hash: "x" } as typeof input }),
    ).rejects.toThrow(/password_hash/);
    const error = await inviteUser({
      ctx: { actor: admin },
      input: { ...input, team_ids: [crypto.randomUUID()] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toMatchObject({ field: "team_ids.0" });
  });

  it("shows agents only name, email, role and teams of active people", async () => {
    const admin = await person("admin");
    const agent = await person("agent");
    const gone = await person("agent");
    await disableUser({ ctx: { actor: admin }, input: { id: gone.id } });
    const seen = await listUsers({ ctx: { actor: agent }, input: { limit: 200 } });
    expect(seen.data.map((u) => u.id)).not.toContain(gone.id);
    for (const u of seen.data)
      expect(Object.keys(u).sort()).toEqual(["email", "id", "name", "role", "teams"]);
    await expect(getUser({ ctx: { actor: agent }, input: { id: gone.id } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const adminView = await listUsers({ ctx: { actor: admin }, input: { status: "all", limit: 200 } });
    expect(adminView.data.find((u) => u.id === gone.id)).toMatchObject({ status: "disabled" });
  });

  it("pages with a cursor without repeating or skipping anyone", async () => {
    const admin = await person("admin");
    for (let i = 0; i < 5; i++) await person("agent");
    const all = await listUsers({ ctx: { actor: admin }, input: { status: "all", limit: 200 } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers({ ctx: { actor: admin }, input: { status: "all", limit: 2, cursor } });
      seen.push(...page.data.map((u) => u.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.data.map((u) => u.id));
    await expect(listUsers({ ctx: { actor: admin }, input: { cursor: "nope" } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("disable and role change end sessions on the next request; enable restores sign-in", async () => {
    const admin = await person("admin");
    const agent = await person("agent");
    const before = await sessionVersion(agent.id);
    await disableUser({ ctx: { actor: admin }, input: { id: agent.id } });
    expect(await loadActor(getDb(), agent.id, before)).toBeUndefined();
    expect(await audit("user.disabled", agent.id)).toHaveLength(1);
    await enableUser({ ctx: { actor: admin }, input: { id: agent.id } });
    expect(await audit("user.enabled", agent.id)).toHaveLength(1);
    const enabledVersion = await sessionVersion(agent.id);
    await updateUser({ ctx: { actor: admin }, input: { id: agent.id, changes: { role: "supervisor" } } });
    expect(await sessionVersion(agent.id)).toBe(enabledVersion + 1);
    expect(await loadActor(getDb(), agent.id, enabledVersion)).toBeUndefined();
    expect((await actorOf(agent.id))?.role).toBe("supervisor");
    expect(await audit("user.role_changed", agent.id)).toHaveLength(1);
    // Renaming does not sign anyone out.
    const v = await sessionVersion(agent.id);
    await updateUser({ ctx: { actor: admin }, input: { id: agent.id, changes: { name: "Renamed" } } });
    expect(await sessionVersion(agent.id)).toBe(v);
  });

  it("changes teams with an audit of what was added and removed", async () => {
    const admin = await person("admin");
    const a = await createTeam({ ctx: system, input: { name: `A ${crypto.randomUUID()}` } });
    const b = await createTeam({ ctx: system, input: { name: `B ${crypto.randomUUID()}` } });
    const agent = await person("agent", [a.id]);
    const updated = await updateUser({
      ctx: { actor: admin },
      input: { id: agent.id, changes: { team_ids: [b.id] } },
    });
    expect(updated.teams.map((t) => t.id)).toEqual([b.id]);
    const [row] = await getDb().execute<{ data: { added: string[]; removed: string[] } }>(
      sql`select data from audit_log where action = 'user.teams_changed' and entity_id = ${agent.id}`,
    );
    expect(row!.data).toEqual({ added: [b.id], removed: [a.id] });
  });

  it("assigns a custom role: its base role sets scope, its list replaces the permissions", async () => {
    const admin = await person("admin");
    const agent = await person("agent");
    const role = await createRole({
      ctx: { actor: admin },
      input: {
        name: `Lead ${crypto.randomUUID()}`,
        base_role: "supervisor",
        permissions: ["conversations:read", "audit:read"],
      },
    });
    const user = await updateUser({
      ctx: { actor: admin },
      input: { id: agent.id, changes: { custom_role_id: role.id } },
    });
    expect(user).toMatchObject({ role: "supervisor", custom_role: { id: role.id } });
    const actor = await actorOf(agent.id);
    expect(actor?.permissions).toEqual(["conversations:read", "audit:read"]);
    const cleared = await updateUser({
      ctx: { actor: admin },
      input: { id: agent.id, changes: { custom_role_id: null, role: "agent" } },
    });
    expect(cleared).toMatchObject({ role: "agent", custom_role: null });
  });

  it("never leaves the workspace without an active admin", async () => {
    // A fresh workspace of one admin (others from earlier tests are disabled first).
    const admin = await person("admin");
    await getDb().execute(
      sql`update users set disabled_at = now() where role = 'admin' and id <> ${admin.id}`,
    );
    await expect(disableUser({ ctx: { actor: admin }, input: { id: admin.id } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(
      updateUser({ ctx: { actor: admin }, input: { id: admin.id, changes: { role: "agent" } } }),
    ).rejects.toThrow(/last active admin/);
    const second = await person("admin");
    await updateUser({ ctx: { actor: second }, input: { id: admin.id, changes: { role: "supervisor" } } });
    await expect(disableUser({ ctx: { actor: second }, input: { id: second.id } })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("does not let a delegated users:manage touch admins or mint them", async () => {
    const admin = await person("admin");
    const role = await createRole({
      ctx: { actor: admin },
      input: {
        name: `HR ${crypto.randomUUID()}`,
        base_role: "agent",
        permissions: ["users:read", "users:manage"],
      },
    });
    const hr = await person("agent");
    await updateUser({ ctx: { actor: admin }, input: { id: hr.id, changes: { custom_role_id: role.id } } });
    const hrActor = (await actorOf(hr.id))!;
    const target = await person("agent");
    await expect(
      updateUser({ ctx: { actor: hrActor }, input: { id: target.id, changes: { role: "admin" } } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateUser({ ctx: { actor: hrActor }, input: { id: target.id, changes: { role: "supervisor" } } }),
    ).rejects.toThrow(/do not hold/);
    await expect(disableUser({ ctx: { actor: hrActor }, input: { id: admin.id } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await disableUser({ ctx: { actor: hrActor }, input: { id: target.id } });
  });

  it("resets MFA: secret and backup codes gone, sessions ended, audited", async () => {
    const admin = await person("admin");
    const agent = await person("agent");
    await getDb().execute(
      sql`update users set mfa_secret = 'enc', mfa_enabled_at = now() where id = ${agent.id}`,
    );
    await getDb().execute(
      sql`insert into mfa_backup_codes (user_id, code_hash) values (${agent.id}, 'h1'), (${agent.id}, 'h2')`,
    );
    const before = await sessionVersion(agent.id);
    const user = await resetMfa({ ctx: { actor: admin }, input: { id: agent.id } });
    expect(user.mfa_enabled).toBe(false);
    const [row] = await getDb().execute<{ mfa_secret: string | null; codes: number }>(
      sql`select mfa_secret, (select count(*)::int from mfa_backup_codes where user_id = ${agent.id}) as codes from users where id = ${agent.id}`,
    );
    expect(row).toEqual({ mfa_secret: null, codes: 0 });
    expect(await sessionVersion(agent.id)).toBe(before + 1);
    expect(await audit("user.mfa_reset", agent.id)).toHaveLength(1);
    await expect(
      resetMfa({ ctx: { actor: await person("supervisor") }, input: { id: agent.id } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("answers 404 for malformed and unknown ids", async () => {
    const admin = await person("admin");
    for (const id of ["nope", crypto.randomUUID()]) {
      await expect(getUser({ ctx: { actor: admin }, input: { id } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(disableUser({ ctx: { actor: admin }, input: { id } })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
  });
});
