import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as listConversationsRoute } from "@/app/api/v1/conversations/route";
import { POST as createTeamRoute } from "@/app/api/v1/teams/route";
import { GET as listUsersRoute, POST as inviteRoute } from "@/app/api/v1/users/route";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb, onDatabaseQuery } from "@/lib/db/client";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { createRole } from "@/lib/roles";
import { createUser, loadActor } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { createApiKey, listApiKeys, revokeApiKey } from "./index";
import { hashApiKey } from "./key-format";

useTestDatabase();
const system = { actor: systemActor("test") };
const none = { params: Promise.resolve({}) };

async function adminActor() {
  const user = await createUser({
    ctx: system,
    input: {
      email: `admin-${crypto.randomUUID()}@example.com`,
      name: "Admin",
      role: "admin",
      password: "correct horse battery staple",
    },
  });
  return (await loadActor(getDb(), user.id, 0)) as Actor;
}
const bearer = (key: string, init: { method?: string; body?: unknown; origin?: string } = {}) =>
  new NextRequest("http://localhost/api/v1/x", {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${key}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...(init.origin ? { origin: init.origin, "sec-fetch-site": "cross-site" } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });

describe("API keys", () => {
  it("shows the key once, stores only its SHA-256 with a unique prefix, audited", async () => {
    const admin = await adminActor();
    const { api_key: apiKey, key } = await createApiKey({
      ctx: { actor: admin },
      input: { name: "CRM", role: "agent" },
    });
    expect(key).toMatch(/^tdm_[0-9a-f]{12}_[0-9a-f]{48}$/);
    expect(key.split("_")[1]).toBe(apiKey.prefix);
    const [row] = await getDb().execute<{ key_hash: string }>(
      sql`select key_hash from api_keys where id = ${apiKey.id}`,
    );
    expect(row!.key_hash).toBe(hashApiKey(key));
    const listed = await listApiKeys({ ctx: { actor: admin }, input: {} });
    expect(JSON.stringify(listed)).not.toContain(key.split("_")[2]);
    expect(listed.data[0]).toMatchObject({
      id: apiKey.id,
      status: "active",
      created_by: { id: (admin as { id: string }).id },
    });
    const [audit] = await getDb().execute<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'api_key.created' and entity_id = ${apiKey.id}`,
    );
    expect(audit!.actor_id).toBe((admin as { id: string }).id);
  });

  it("authenticates Bearer keys with their role; revoked, expired and unknown keys are 401 with a code", async () => {
    const admin = await adminActor();
    const adminKey = await createApiKey({ ctx: { actor: admin }, input: { name: "Ops", role: "admin" } });
    const agentKey = await createApiKey({ ctx: { actor: admin }, input: { name: "Bot", role: "agent" } });
    expect((await listConversationsRoute(bearer(adminKey.key), none)).status).toBe(200);
    expect((await listUsersRoute(bearer(agentKey.key), none)).status).toBe(200);
    const denied = await inviteRoute(
      bearer(agentKey.key, { method: "POST", body: { email: "a@example.com", name: "A", role: "agent" } }),
      none,
    );
    expect(denied.status).toBe(403);
    // A cross-site Origin does not matter for a bearer key (no ambient credentials); audit names the key.
    const created = await createTeamRoute(
      bearer(adminKey.key, {
        method: "POST",
        body: { name: `Via key ${crypto.randomUUID()}` },
        origin: "https://evil.example",
      }),
      none,
    );
    expect(created.status).toBe(201);
    const team = (await created.json()) as { id: string };
    const [audit] = await getDb().execute<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'team.created' and entity_id = ${team.id}`,
    );
    expect(audit!.actor_id).toBe(adminKey.api_key.id);

    const codeOf = async (key: string) => {
      const res = await listUsersRoute(bearer(key), none);
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await codeOf(`tdm_${adminKey.api_key.prefix}_${"0".repeat(48)}`)).toEqual([
      401,
      "api_key_invalid",
    ]);
    expect(await codeOf("garbage")).toEqual([401, "api_key_invalid"]);
    await revokeApiKey({ ctx: { actor: admin }, input: { id: agentKey.api_key.id } });
    expect(await codeOf(agentKey.key)).toEqual([401, "api_key_revoked"]);
    const expiring = await createApiKey({
      ctx: { actor: admin },
      input: { name: "Soon", role: "agent", expires_at: new Date(Date.now() + 60_000).toISOString() },
    });
    await getDb().execute(
      sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.api_key.id}`,
    );
    expect(await codeOf(expiring.key)).toEqual([401, "api_key_expired"]);
    const empty = await listUsersRoute(
      new NextRequest("http://localhost/api/v1/users", { headers: { authorization: "Basic abc" } }),
      none,
    );
    expect(empty.status).toBe(401);
  });

  it("records last use at most once a minute", async () => {
    const admin = await adminActor();
    const { api_key: apiKey, key } = await createApiKey({
      ctx: { actor: admin },
      input: { name: "Poll", role: "agent" },
    });
    const lastUsed = async () =>
      (
        await getDb().execute<{ t: string | null }>(
          sql`select last_used_at::text as t from api_keys where id = ${apiKey.id}`,
        )
      )[0]!.t;
    await listUsersRoute(bearer(key), none);
    const first = await lastUsed();
    expect(first).not.toBeNull();
    const sent: string[] = [];
    const stopListening = onDatabaseQuery((query) => sent.push(query));
    await listUsersRoute(bearer(key), none).finally(stopListening);
    expect(await lastUsed()).toBe(first);
    // Within the minute the key is not even asked to update: no round trip for it.
    expect(sent.filter((q) => /update\s+"?api_keys/i.test(q))).toEqual([]);
    await getDb().execute(
      sql`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${apiKey.id}`,
    );
    await listUsersRoute(bearer(key), none);
    expect(await lastUsed()).not.toBe(first);
  });

  it("a custom-role key acts with that role's list; only admins mint keys; expiry must be ahead", async () => {
    const admin = await adminActor();
    const role = await createRole({
      ctx: { actor: admin },
      input: { name: `Reader ${crypto.randomUUID()}`, base_role: "supervisor", permissions: ["users:read"] },
    });
    const { key, api_key: apiKey } = await createApiKey({
      ctx: { actor: admin },
      input: { name: "R", custom_role_id: role.id },
    });
    expect(apiKey).toMatchObject({ role: "supervisor", custom_role: { id: role.id } });
    expect((await listUsersRoute(bearer(key), none)).status).toBe(200);
    expect((await listConversationsRoute(bearer(key), none)).status).toBe(403);
    const agent = (await loadActor(
      getDb(),
      (
        await createUser({
          ctx: system,
          input: {
            email: `ag-${crypto.randomUUID()}@example.com`,
            name: "A",
            role: "agent",
            password: "correct horse battery staple",
          },
        })
      ).id,
      0,
    )) as Actor;
    await expect(
      createApiKey({ ctx: { actor: agent }, input: { name: "x", role: "agent" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createApiKey({
        ctx: { actor: admin },
        input: { name: "x", role: "agent", expires_at: "2001-01-01T00:00:00Z" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
