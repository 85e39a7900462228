import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createApiKey } from "@/lib/api-keys";
import { getDb } from "@/lib/db/client";
import { roomsFor } from "@/lib/realtime/server";
import { rooms } from "@/lib/realtime/rooms";
import { createRole } from "@/lib/roles";
import { createTeam, updateTeamMember } from "@/lib/teams";
import { createUser, loadActor } from "@/lib/users";
import { useTestDatabase } from "./db";
import { cookieFor } from "./route-matrix-auth";
import {
  actionMatrix,
  probes,
  ROLES,
  routeMatrix,
  socketEventMatrix,
  type Call,
  type Fixtures,
  type MatrixRole,
  type Outcome,
} from "./route-matrix";
import { system, useSimWorkspace } from "./sim-workspace";

// R11: every route handler, server action and socket event, discovered from the source tree, checked
// for each role against tests/int/route-matrix.ts, by calling the real handler with a real session cookie.
const root = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

useTestDatabase();
const { ws, customer, templateId } = useSimWorkspace("71");

describe("discovery", () => {
  it("has an entry for every route handler method, and none for a route that is gone", () => {
    const found = discoverRoutes().map((r) => r.key);
    const missing = found.filter((key) => !(key in routeMatrix));
    expect(missing, "routes without an entry in tests/int/route-matrix.ts").toEqual([]);
    const stale = Object.keys(routeMatrix).filter((key) => !found.includes(key));
    expect(stale, "entries for routes that no longer exist").toEqual([]);
  });

  it("has an entry for every server action", () => {
    const found = discoverServerActions();
    expect(found.length).toBeGreaterThan(0);
    expect(
      found.filter((key) => !(key in actionMatrix)),
      "server actions without an entry",
    ).toEqual([]);
    expect(Object.keys(actionMatrix).filter((key) => !found.includes(key))).toEqual([]);
  });

  it("has an entry for every socket event a client may send", () => {
    const found = discoverSocketEvents();
    expect(
      found.filter((e) => !(e in socketEventMatrix)),
      "socket events without an entry",
    ).toEqual([]);
  });
});

describe("route × role", () => {
  const f = {} as Fixtures;
  const cookies: Partial<Record<MatrixRole, string>> = {};

  it("sets up the roles", async () => {
    const conversation = await customer({ number: "A" });
    const [template] = await getDb().execute<{ id: string }>(sql`select id from templates limit 1`);
    const users = {
      admin: await person("admin", []),
      supervisor: await person("supervisor", [ws.teamId]),
      agent: await person("agent", [ws.teamId]),
      other_agent: await person("agent", [ws.otherTeamId]),
    };
    await updateTeamMember({
      ctx: system,
      input: { teamId: ws.teamId, userId: users.supervisor, changes: { is_manager: true } },
    });
    Object.assign(f, {
      teamA: ws.teamId,
      teamB: ws.otherTeamId,
      conversationA: conversation.conversationId,
      contactA: conversation.contactId,
      numberA: ws.ids.A,
      templateId: template?.id ?? (await templateId("hello_world")),
      users,
      uuid: () => crypto.randomUUID(),
      freshUser: async (opts: { teamId?: string } = {}) => person("agent", opts.teamId ? [opts.teamId] : []),
      freshTeam: async () =>
        (await createTeam({ ctx: system, input: { name: `T ${crypto.randomUUID()}` } })).id,
      freshRole: async () =>
        (
          await createRole({
            ctx: system,
            input: { name: `R ${crypto.randomUUID()}`, permissions: ["conversations:read"] },
          })
        ).id,
      freshPerson: async (role) =>
        person(
          role === "other_agent" ? "agent" : role,
          role === "other_agent" ? [ws.otherTeamId] : role === "admin" ? [] : [ws.teamId],
        ),
      freshApiKey: async () =>
        (await createApiKey({ ctx: system, input: { name: "fresh", role: "agent" } })).api_key.id,
    } satisfies Fixtures);
    for (const [role, id] of Object.entries(users)) cookies[role as MatrixRole] = await cookieFor(id);
  });

  const routes = discoverRoutes();
  for (const { key, file, method } of routes) {
    const entry = routeMatrix[key];
    if (!entry || "public" in entry || "excluded" in entry) continue;
    it(key, async () => {
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
      const handler = mod[method]!;
      const results: string[] = [];
      for (const role of ROLES) {
        const expected: Outcome = entry.expect[role] ?? 401;
        const call = (await entry.call?.(f, role)) ?? {};
        const cookie = call.actAs && role !== "anonymous" ? await cookieFor(call.actAs) : cookies[role];
        const res = await invoke(handler, method, key, call, cookie);
        const body = await res.text();
        if (!matches(res.status, expected))
          results.push(
            `${role}: got ${res.status}, expected ${JSON.stringify(expected)} — ${body.slice(0, 200)}`,
          );
      }
      expect(results).toEqual([]);
    });
  }

  describe("mass assignment and escalation probes", () => {
    for (const probe of probes) {
      it(probe.name, async () => {
        const key = `${probe.method} ${probe.route}`;
        const route = routes.find((r) => r.key === key);
        expect(route, key).toBeDefined();
        const mod = (await import(/* @vite-ignore */ route!.file)) as Record<string, Handler>;
        const call = await probe.call(f);
        const res = await invoke(mod[probe.method]!, probe.method, key, call, cookies[probe.role]);
        const body = (await res.json()) as { error?: { code: string; field?: string } };
        expect(res.status, JSON.stringify(body)).toBe(probe.status);
        if (probe.field) expect(body.error?.field).toBe(probe.field);
      });
    }

    it("an agent cannot set assignee through a send (ignored or refused, never applied)", async () => {
      const key = "POST /api/v1/conversations/[id]/messages";
      const route = routes.find((r) => r.key === key)!;
      const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler>;
      const res = await invoke(
        mod.POST!,
        "POST",
        key,
        {
          params: { id: f.conversationA },
          body: { type: "text", text: "mine now", assignee_id: f.users.agent, team_id: f.teamB },
          headers: { "idempotency-key": `assign-${crypto.randomUUID()}` },
        },
        cookies.agent,
      );
      expect(res.status).toBeLessThan(500);
      const [row] = await getDb().execute<{ assignee_id: string | null; team_id: string | null }>(
        sql`select assignee_id, team_id from conversations where id = ${f.conversationA}`,
      );
      expect(row?.assignee_id).not.toBe(f.users.agent);
      expect(row?.team_id).toBe(f.teamA);
    });
  });

  describe("socket rooms", () => {
    it("never puts a role in another team's room", async () => {
      const actors: Record<string, Actor> = {};
      for (const [role, id] of Object.entries(f.users)) {
        const [row] = await getDb().execute<{ sv: number }>(
          sql`select session_version as sv from users where id = ${id}`,
        );
        actors[role] = (await loadActor(getDb(), id, Number(row!.sv)))!;
      }
      expect(roomsFor(actors.admin!)).toContain(rooms.all);
      for (const role of ["supervisor", "agent"]) {
        const joined = roomsFor(actors[role]!);
        expect(joined).toContain(rooms.team(f.teamA));
        expect(joined, role).not.toContain(rooms.team(f.teamB));
        expect(joined, role).not.toContain(rooms.all);
      }
      const other = roomsFor(actors.other_agent!);
      expect(other).not.toContain(rooms.team(f.teamA));
      expect(other).not.toContain(rooms.all);
      expect(other).not.toContain(rooms.teamless);
      // An API key has no teams: an agent-role key joins no team room at all.
      const key: Actor = {
        type: "user",
        id: crypto.randomUUID(),
        role: "agent",
        teamIds: [],
        permissions: ["conversations:read"],
        via: { kind: "api_key", keyId: crypto.randomUUID() },
      };
      expect(roomsFor(key).filter((r) => r.startsWith("team:"))).toEqual([]);
    });
  });
});

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function person(role: "admin" | "supervisor" | "agent", teamIds: string[]): Promise<string> {
  const user = await createUser({
    ctx: system,
    input: {
      email: `${role}-${crypto.randomUUID()}@example.com`,
      name: `Matrix ${role}`,
      role,
      password: "correct horse battery staple",
      teamIds,
    },
  });
  return user.id;
}

function invoke(handler: Handler, method: string, key: string, call: Call, cookie: string | undefined) {
  const params = call.params ?? {};
  const routePath = key
    .split(" ")[1]!
    .replace(/\[(?:\.\.\.)?(\w+)\]/g, (_m, name: string) => params[name] ?? "x");
  const headers: Record<string, string> = { ...call.headers };
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (call.body !== undefined && method !== "GET") {
    body = typeof call.body === "string" ? call.body : JSON.stringify(call.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new NextRequest(`http://localhost${routePath}${call.query ?? ""}`, { method, headers, body });
  return handler(req, { params: Promise.resolve(params) });
}

function matches(status: number, expected: Outcome): boolean {
  if (expected === "ok") return status >= 200 && status < 300;
  if (expected === "allowed") return status !== 401 && status !== 403 && status < 500;
  if (typeof expected !== "number") return expected.includes(status);
  return status === expected;
}

/** Every exported HTTP method of every app/**\/route.ts, keyed "METHOD /path/[param]". */
function discoverRoutes() {
  const out: { key: string; file: string; method: (typeof METHODS)[number] }[] = [];
  for (const file of walk(path.join(root, "app")).filter((p) => path.basename(p) === "route.ts")) {
    const source = fs.readFileSync(file, "utf8");
    const urlPath = `/${path.relative(path.join(root, "app"), path.dirname(file))}`
      .split(path.sep)
      .join("/")
      .replace(/\/\([^)]+\)/g, ""); // route groups do not appear in the URL
    for (const method of METHODS) {
      const direct = new RegExp(`export\\s+(const|async function|function)\\s+${method}\\b`).test(source);
      const destructured = new RegExp(`export\\s+const\\s*\\{[^}]*\\b${method}\\b[^}]*\\}`).test(source);
      if (direct || destructured) out.push({ key: `${method} ${urlPath}`, file, method });
    }
  }
  return out;
}

/** `<file>#<name>` for exports of "use server" files and for inline "use server" functions. */
function discoverServerActions(): string[] {
  const out: string[] = [];
  for (const file of walk(root, ["node_modules", ".next", ".data", ".test-data", "e2e", "tests"]).filter(
    (p) => /\.(ts|tsx)$/.test(p),
  )) {
    const source = fs.readFileSync(file, "utf8");
    if (!source.includes("use server")) continue;
    const rel = path.relative(root, file).split(path.sep).join("/");
    if (/^\s*(\/\/[^\n]*\n\s*)*["']use server["']/.test(source)) {
      for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(\w+)/g))
        out.push(`${rel}#${m[1]}`);
    }
    for (const m of source.matchAll(
      /(?:async\s+function\s+(\w+)|const\s+(\w+)\s*=\s*async[^{]*)\([^)]*\)[^{]*\{\s*["']use server["']/g,
    ))
      out.push(`${rel}#${m[1] ?? m[2]}`);
  }
  return [...new Set(out)];
}

/** The keys of ClientToServerEvents in lib/realtime/events.ts. */
function discoverSocketEvents(): string[] {
  const source = fs.readFileSync(path.join(root, "lib/realtime/events.ts"), "utf8");
  const match = /export type ClientToServerEvents\s*=\s*\{\n([\s\S]*?)\n\};/.exec(source);
  if (!match) throw new Error("ClientToServerEvents not found in lib/realtime/events.ts");
  // Top-level members only (two-space indent), so an ack callback's parameters are not taken for events.
  return [...match[1]!.matchAll(/^ {2}["']?([\w.:-]+)["']?\s*:/gm)].map((m) => m[1]!);
}

function walk(dir: string, skip: string[] = []): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.includes(entry.name) || entry.name.startsWith(".")) return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full, skip) : [full];
  });
}
