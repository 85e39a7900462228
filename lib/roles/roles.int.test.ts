import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { createUser, loadActor, updateUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { createRole, deleteRole, listPermissions, listRoles, updateRole } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };

async function person(role: "admin" | "supervisor" | "agent") {
  const user = await createUser({
    ctx: system,
    input: {
      email: `${role}-${crypto.randomUUID()}@example.com`,
      name: role,
      role,
      password: "correct horse battery staple",
    },
  });
  return (await loadActor(getDb(), user.id, 0)) as Actor & { type: "user" };
}
const sv = async (id: string) =>
  Number(
    (await getDb().execute<{ sv: number }>(sql`select session_version as sv from users where id = ${id}`))[0]!
      .sv,
  );

describe("custom roles", () => {
  it("creates, edits and deletes with roles:manage, audited", async () => {
    const admin = await person("admin");
    const role = await createRole({
      ctx: { actor: admin },
      input: {
        name: `Triage ${crypto.randomUUID()}`,
        description: "Reads only",
        permissions: ["conversations:read", "conversations:read"],
      },
    });
    expect(role).toMatchObject({ base_role: "agent", permissions: ["conversations:read"], user_count: 0 });
    const edited = await updateRole({
      ctx: { actor: admin },
      input: { id: role.id, changes: { permissions: ["conversations:read", "conversations:assign"] } },
    });
    expect(edited.permissions).toEqual(["conversations:read", "conversations:assign"]);
    expect((await listRoles({ ctx: { actor: admin }, input: {} })).data.map((r) => r.id)).toContain(role.id);
    await deleteRole({ ctx: { actor: admin }, input: { id: role.id } });
    const actions = await getDb().execute<{ action: string }>(
      sql`select action from audit_log where entity_id = ${role.id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["role.created", "role.updated", "role.deleted"]);
  });

  it("refuses non-admins, ingest:apply, unknown permissions and unknown fields", async () => {
    const admin = await person("admin");
    for (const actor of [await person("supervisor"), await person("agent")])
      await expect(
        createRole({ ctx: { actor }, input: { name: "x", permissions: [] } }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    for (const [permissions, field] of [
      [["ingest:apply"], "permissions.0"],
      [["conversations:read", "root:all"], "permissions.1"],
    ] as const) {
      const error = await createRole({
        ctx: { actor: admin },
        input: { name: `Bad ${crypto.randomUUID()}`, permissions: [...permissions] },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toMatchObject({ field });
    }
    await expect(
      createRole({
        ctx: { actor: admin },
        input: { name: "y", permissions: [], id: crypto.randomUUID() } as never,
      }),
    ).rejects.toThrow(/id/);
  });

  it("a permission change ends its holders' sessions and applies on their next request", async () => {
    const admin = await person("admin");
    const holder = await person("agent");
    const role = await createRole({
      ctx: { actor: admin },
      input: { name: `Audit ${crypto.randomUUID()}`, permissions: ["conversations:read", "audit:read"] },
    });
    await updateUser({
      ctx: { actor: admin },
      input: { id: holder.id, changes: { custom_role_id: role.id } },
    });
    const before = await sv(holder.id);
    await updateRole({
      ctx: { actor: admin },
      input: { id: role.id, changes: { permissions: ["conversations:read"] } },
    });
    expect(await sv(holder.id)).toBe(before + 1);
    expect(await loadActor(getDb(), holder.id, before)).toBeUndefined();
    const now = (await loadActor(getDb(), holder.id, before + 1)) as Actor & { type: "user" };
    expect(now.permissions).toEqual(["conversations:read"]);
    // A description edit does not.
    await updateRole({ ctx: { actor: admin }, input: { id: role.id, changes: { description: "d" } } });
    expect(await sv(holder.id)).toBe(before + 1);
  });

  it("cannot delete a role in use (409 naming the holders)", async () => {
    const admin = await person("admin");
    const holder = await person("agent");
    const role = await createRole({
      ctx: { actor: admin },
      input: { name: `Used ${crypto.randomUUID()}`, permissions: [] },
    });
    await updateUser({
      ctx: { actor: admin },
      input: { id: holder.id, changes: { custom_role_id: role.id } },
    });
    const error = await deleteRole({ ctx: { actor: admin }, input: { id: role.id } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/1 user/);
  });

  it("a delegated roles:manage cannot grant what it does not hold, nor admin scope", async () => {
    const admin = await person("admin");
    const designer = await createRole({
      ctx: { actor: admin },
      input: { name: `Designer ${crypto.randomUUID()}`, permissions: ["roles:manage", "conversations:read"] },
    });
    const holder = await person("agent");
    await updateUser({
      ctx: { actor: admin },
      input: { id: holder.id, changes: { custom_role_id: designer.id } },
    });
    const actor = (await loadActor(getDb(), holder.id, await sv(holder.id))) as Actor;
    await expect(
      createRole({
        ctx: { actor },
        input: { name: `Esc ${crypto.randomUUID()}`, permissions: ["users:manage"] },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createRole({
        ctx: { actor },
        input: { name: `Esc ${crypto.randomUUID()}`, base_role: "admin", permissions: [] },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await createRole({
      ctx: { actor },
      input: { name: `Ok ${crypto.randomUUID()}`, permissions: ["conversations:read"] },
    });
  });

  it("serves the catalogue with descriptions; ingest:apply is marked ungrantable", async () => {
    const admin = await person("admin");
    const { data } = listPermissions({ ctx: { actor: admin } });
    expect(data.every((p) => p.description.length > 0)).toBe(true);
    expect(data.find((p) => p.name === "ingest:apply")).toMatchObject({ grantable: false, roles: [] });
    expect(data.find((p) => p.name === "conversations:read")?.roles).toEqual([
      "admin",
      "supervisor",
      "agent",
    ]);
    expect(() =>
      listPermissions({ ctx: { actor: { type: "user", id: "x", role: "agent", teamIds: [] } } }),
    ).toThrow(ForbiddenError);
  });
});
