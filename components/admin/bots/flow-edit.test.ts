import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW, validateFlow } from "@/lib/bots/schemas";
import { freeId, newNode, removeNode, renameNode, NODE_TYPES } from "./flow-edit";

describe("flow edits", () => {
  it("renaming a node carries every reference along", () => {
    const renamed = renameNode(DEFAULT_FLOW, "handoff_person", "person");
    expect(renamed.nodes.handoff_person).toBeUndefined();
    expect(renamed.nodes.person?.type).toBe("handoff");
    expect(validateFlow(renamed)).toMatchObject({ ok: true, warnings: [] });
    const renamedStart = renameNode(DEFAULT_FLOW, "welcome", "hello");
    expect(renamedStart.start).toBe("hello");
  });

  it("renaming onto an existing id changes nothing", () => {
    expect(renameNode(DEFAULT_FLOW, "welcome", "language")).toBe(DEFAULT_FLOW);
  });

  it("removing a node leaves dangling references for validation to point at", () => {
    const result = validateFlow(removeNode(DEFAULT_FLOW, "email"));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toContainEqual({
      path: "nodes.order_number.next",
      message: 'No step "email"',
    });
  });

  it("free ids never collide", () => {
    expect(freeId(DEFAULT_FLOW, "welcome")).toBe("welcome_2");
    expect(freeId(DEFAULT_FLOW, "new step!")).toBe("new_step_");
  });

  it.each(NODE_TYPES.map((t) => t.type))(
    "a new %s step is well-formed (validation only asks to fill it in)",
    (type) => {
      const flow = { ...DEFAULT_FLOW, nodes: { ...DEFAULT_FLOW.nodes, fresh: newNode(type, ["en", "es"]) } };
      const result = validateFlow(flow);
      // Structure is fine; what's missing is reported on the new step only.
      const errors = result.ok ? [] : result.errors;
      expect(errors.every((e) => e.path.startsWith("nodes.fresh"))).toBe(true);
    },
  );
});
