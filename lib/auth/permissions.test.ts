import { describe, expect, it } from "vitest";
import type { Actor } from "./actor";
import { assertCan, can } from "./permissions";

const agent: Actor = { type: "user", id: "u1", role: "agent", teamIds: ["t1"] };
const supervisor: Actor = { type: "user", id: "u2", role: "supervisor", teamIds: ["t1"] };
const admin: Actor = { type: "user", id: "u3", role: "admin", teamIds: [] };

describe("permissions", () => {
  it("scopes agents to their teams and their own conversations", () => {
    expect(can(agent, "conversations:read", { teamId: "t1" })).toBe(true);
    expect(can(agent, "conversations:read", { teamId: "t2" })).toBe(false);
    expect(can(agent, "conversations:read", { teamId: "t2", assigneeId: "u1" })).toBe(true);
    expect(can(agent, "conversations:read", { teamId: null })).toBe(false);
  });

  it("lets supervisors triage teamless conversations but not other teams", () => {
    expect(can(supervisor, "conversations:read", { teamId: null })).toBe(true);
    expect(can(supervisor, "conversations:read", { teamId: "t9" })).toBe(false);
  });

  it("keeps admin-only and system-only permissions where they belong", () => {
    expect(can(agent, "users:manage")).toBe(false);
    expect(can(admin, "users:manage")).toBe(true);
    expect(can(admin, "conversations:read", { teamId: "anything" })).toBe(true);
    expect(can(admin, "ingest:apply")).toBe(false);
    expect(can({ type: "system", name: "ingest" }, "ingest:apply")).toBe(true);
    expect(() => assertCan(agent, "numbers:manage")).toThrow(/permission/);
  });
});
