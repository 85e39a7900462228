import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { createUser, loadActor } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  removeTeamMember,
  renameTeam,
  updateTeamMember,
} from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };

async function person(role: "admin" | "supervisor" | "agent", teamIds: string[] = []) {
  const user = await createUser({
    ctx: system,
    input: {
      email: `${role}-${crypto.randomUUID()}@example.com`,
      name: role,
      role,
      password: "correct horse battery staple",
      teamIds,
    },
  });
  return user.id;
}
const actor = async (id: string) => (await loadActor(getDb(), id, 0)) as Actor & { type: "user" };
const team = async () => createTeam({ ctx: system, input: { name: `Team ${crypto.randomUUID()}` } });

describe("teams", () => {
  it("create, rename and delete need teams:manage, audited", async () => {
    const admin = await actor(await person("admin"));
    const supervisor = await actor(await person("supervisor"));
    await expect(createTeam({ ctx: { actor: supervisor }, input: { name: "Nope" } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const t = await createTeam({ ctx: { actor: admin }, input: { name: `Ops ${crypto.randomUUID()}` } });
    await expect(createTeam({ ctx: { actor: admin }, input: { name: t.name } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const renamed = await renameTeam({
      ctx: { actor: admin },
      input: { id: t.id, changes: { name: `Ops2 ${crypto.randomUUID()}` } },
    });
    expect(renamed.name).not.toBe(t.name);
    await expect(
      renameTeam({ ctx: { actor: supervisor }, input: { id: t.id, changes: { name: "x" } } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await deleteTeam({ ctx: { actor: admin }, input: { id: t.id } });
    await expect(getTeam({ ctx: { actor: admin }, input: { id: t.id } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const actions = await getDb().execute<{ action: string }>(
      sql`select action from audit_log where entity_id = ${t.id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["team.created", "team.renamed", "team.deleted"]);
  });

  it("a team manager edits their own roster only, and cannot appoint managers", async () => {
    const mine = await team();
    const other = await team();
    const supId = await person("supervisor", [mine.id]);
    await updateTeamMember({
      ctx: system,
      input: { teamId: mine.id, userId: supId, changes: { is_manager: true } },
    });
    const manager = await actor(supId);
    expect(manager.managedTeamIds).toEqual([mine.id]);
    const newcomer = await person("agent");
    const roster = await addTeamMember({
      ctx: { actor: manager },
      input: { teamId: mine.id, member: { user_id: newcomer } },
    });
    expect(roster.members?.map((m) => m.user_id)).toContain(newcomer);
    await expect(
      addTeamMember({ ctx: { actor: manager }, input: { teamId: other.id, member: { user_id: newcomer } } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateTeamMember({
        ctx: { actor: manager },
        input: { teamId: mine.id, userId: newcomer, changes: { is_manager: true } },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      addTeamMember({
        ctx: { actor: manager },
        input: { teamId: mine.id, member: { user_id: await person("agent"), is_manager: true } },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await removeTeamMember({ ctx: { actor: manager }, input: { teamId: mine.id, userId: newcomer } });
    // A supervisor who is a member but not the manager cannot edit.
    const plainSup = await actor(await person("supervisor", [mine.id]));
    await expect(
      addTeamMember({ ctx: { actor: plainSup }, input: { teamId: mine.id, member: { user_id: newcomer } } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const actions = await getDb().execute<{ action: string }>(
      sql`select action from audit_log where entity_id = ${mine.id} and action like 'team.member%' order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["team.member_added", "team.member_removed"]);
  });

  it("shows rosters only to members, managers and teams:manage", async () => {
    const a = await team();
    const b = await team();
    const agent = await actor(await person("agent", [a.id]));
    const list = await listTeams({ ctx: { actor: agent }, input: {} });
    expect(list.data.find((t) => t.id === a.id)?.members).toBeDefined();
    expect(list.data.find((t) => t.id === b.id)).toMatchObject({ name: b.name });
    expect(list.data.find((t) => t.id === b.id)?.members).toBeUndefined();
    await expect(getTeam({ ctx: { actor: agent }, input: { id: b.id } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getTeam({ ctx: { actor: agent }, input: { id: "not-a-uuid" } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
