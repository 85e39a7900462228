import { describe, expect, it } from "vitest";
import { DEFAULT_FLOW } from "./default-flow";
import type { FlowDefinition } from "./types";
import { issuesAt, validateFlow } from "./validate";

const base: FlowDefinition = {
  version: 1,
  start: "menu",
  settings: { handoffKeywords: ["agent"], maxFailures: 3 },
  nodes: {
    menu: {
      type: "menu",
      style: "buttons",
      text: "Pick one",
      options: [
        { id: "a", title: "Alpha", next: "done" },
        { id: "b", title: "Beta", next: "done" },
      ],
    },
    done: { type: "end", text: "Bye" },
  },
};

/** The flow with some change; `edit` mutates a deep copy. */
function variant(edit: (flow: FlowDefinition) => void): FlowDefinition {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

function errorsOf(def: unknown) {
  const result = validateFlow(def);
  return result.ok ? [] : result.errors;
}

const menu = (flow: FlowDefinition) =>
  flow.nodes.menu as Extract<FlowDefinition["nodes"][string], { type: "menu" }>;

describe("validateFlow", () => {
  it("accepts DEFAULT_FLOW without errors or warnings", () => {
    const result = validateFlow(DEFAULT_FLOW);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it("accepts the minimal flow", () => {
    expect(validateFlow(base).ok).toBe(true);
  });

  it.each<[string, (flow: FlowDefinition) => void, string, RegExp]>([
    [
      "a dangling option",
      (f) => (menu(f).options[1]!.next = "nowhere"),
      "nodes.menu.options.1.next",
      /No step "nowhere"/,
    ],
    ["a dangling start", (f) => (f.start = "ghost"), "start", /doesn't exist/],
    [
      "four reply buttons",
      (f) =>
        menu(f).options.push({ id: "c", title: "C", next: "done" }, { id: "d", title: "D", next: "done" }),
      "nodes.menu.options",
      /At most 3 reply buttons/,
    ],
    [
      "a button title over 20",
      (f) => (menu(f).options[0]!.title = "A very long button title"),
      "nodes.menu.options.0.title",
      /At most 20 characters \(24\)/,
    ],
    [
      "a Spanish button title over 20",
      (f) => {
        f.settings.languages = ["en", "es"];
        menu(f).options[0]!.title = { en: "Orders", es: "Preguntas sobre pedidos" };
      },
      "nodes.menu.options.0.title.es",
      /At most 20/,
    ],
    [
      "a list row title over 24",
      (f) => {
        Object.assign(menu(f), { style: "list", button: "Open" });
        menu(f).options[0]!.title = "This row title is far too long";
      },
      "nodes.menu.options.0.title",
      /At most 24/,
    ],
    ["a list without button text", (f) => (menu(f).style = "list"), "nodes.menu.button", /button text/],
    ["duplicate option ids", (f) => (menu(f).options[1]!.id = "a"), "nodes.menu.options.1.id", /unique/],
    ["an empty body", (f) => (menu(f).text = "  "), "nodes.menu.text", /Required/],
    ["a body over 1024", (f) => (menu(f).text = "x".repeat(1025)), "nodes.menu.text", /At most 1024/],
    [
      "an unknown placeholder",
      (f) => (f.nodes.done = { type: "end", text: "Bye {{name}}" }),
      "nodes.done.text",
      /Unknown placeholder \{\{name\}\}/,
    ],
    [
      "a pattern question without pattern",
      (f) =>
        (f.nodes.q = { type: "question", text: "?", field: "order", validation: "pattern", next: "done" }),
      "nodes.q.pattern",
      /Give the pattern/,
    ],
    [
      "an invalid pattern",
      (f) =>
        (f.nodes.q = {
          type: "question",
          text: "?",
          field: "order",
          validation: "pattern",
          pattern: "([0-9]",
          next: "done",
        }),
      "nodes.q.pattern",
      /regular expression/,
    ],
    [
      "a loop of steps that never wait",
      (f) => {
        f.nodes.x = { type: "message", text: "x", next: "y" };
        f.nodes.y = { type: "condition", rules: [], else: "x" };
        menu(f).options[0]!.next = "x";
      },
      "nodes.x",
      /loop/,
    ],
    [
      "an unknown time zone",
      (f) => (f.settings.businessHours = { timezone: "Mars/Olympus", weekly: {}, holidays: [] }),
      "settings.businessHours.timezone",
      /Unknown time zone/,
    ],
    [
      "an unknown weekday",
      (f) =>
        (f.settings.businessHours = {
          timezone: "UTC",
          weekly: { monday: [["09:00", "17:00"]] },
          holidays: [],
        }),
      "settings.businessHours.weekly.monday",
      /Unknown day/,
    ],
    [
      "a language node without languages in the settings",
      (f) =>
        (f.nodes.lang = {
          type: "language",
          text: "?",
          options: [{ language: "en", title: "English" }],
          next: "done",
        }),
      "nodes.lang.options.0.language",
      /languages in the settings/,
    ],
    [
      "a field condition without value",
      (f) =>
        (f.nodes.c = {
          type: "condition",
          rules: [{ when: { kind: "field", field: "x", op: "equals" }, next: "done" }],
          else: "done",
        }),
      "nodes.c.rules.0.when.value",
      /value/,
    ],
    [
      "an empty handoff summary",
      (f) => (f.nodes.h = { type: "handoff", summary: " " }),
      "nodes.h.summary",
      /summary/,
    ],
  ])("rejects %s", (_, edit, path, message) => {
    const errors = errorsOf(variant(edit));
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("reports structural errors by path", () => {
    const errors = errorsOf({
      ...base,
      nodes: { ...base.nodes, bad: { type: "teleport" } },
      settings: { maxFailures: 0 },
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toContain("nodes.bad.type");
    expect(paths).toContain("settings.handoffKeywords");
    expect(paths).toContain("settings.maxFailures");
    expect(validateFlow(null).ok).toBe(false);
    expect(validateFlow("flow").ok).toBe(false);
  });

  it("warns about unreachable steps without failing", () => {
    const result = validateFlow(variant((f) => (f.nodes.orphan = { type: "end", text: "never" })));
    expect(result.ok).toBe(true);
    expect(result.warnings).toContainEqual({
      path: "nodes.orphan",
      message: expect.stringMatching(/Unreachable/),
    });
  });

  it("warns about a missing translation and a field no step collects", () => {
    const result = validateFlow(
      variant((f) => {
        f.settings.languages = ["en", "es"];
        f.nodes.done = { type: "end", text: { en: "Bye {{fields.name}}" } };
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(
      expect.arrayContaining(["nodes.done.text.es", "nodes.done.text.en"]),
    );
  });

  it("issuesAt selects a field's issues and its children's", () => {
    const issues = [
      { path: "nodes.menu.options.0.title", message: "a" },
      { path: "nodes.menu.options.10.title", message: "b" },
      { path: "nodes.menu.options", message: "c" },
    ];
    expect(issuesAt(issues, "nodes.menu.options.0").map((i) => i.message)).toEqual(["a"]);
    expect(issuesAt(issues, "nodes.menu.options").map((i) => i.message)).toEqual(["a", "b", "c"]);
  });
});
