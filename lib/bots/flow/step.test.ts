import { describe, expect, it } from "vitest";
import { outboundMessageInput, type OutboundMessageInput } from "@/lib/messaging/schemas";
import { DEFAULT_FLOW } from "./default-flow";
import { initialFlowState, matchOption, stepFlow, validateAnswer } from "./step";
import type { FlowAction, FlowDefinition, FlowInput, FlowState } from "./types";

const OPEN = new Date("2026-03-11T12:00:00Z"); // a Wednesday, noon UTC
const CLOSED = new Date("2026-03-14T12:00:00Z"); // a Saturday

type Say = string | { reply: string; text?: string } | null;

function input(say: Say): FlowInput {
  if (say === null) return { kind: "message", text: null, replyId: null };
  if (typeof say === "string") return { kind: "message", text: say, replyId: null };
  return { kind: "message", text: say.text ?? null, replyId: say.reply };
}

/** Plays messages through a flow; every message it sends must be a valid send input. */
function play(def: FlowDefinition, says: Say[], now = OPEN, from: FlowState = initialFlowState()) {
  let state = from;
  const steps: FlowAction[][] = [];
  for (const say of says) {
    const result = stepFlow(def, state, input(say), { now });
    for (const action of result.actions)
      if (action.type === "send") outboundMessageInput.parse(action.message);
    state = result.state;
    steps.push(result.actions);
  }
  return { state, steps, last: steps.at(-1) ?? [] };
}

const sends = (actions: FlowAction[]) =>
  actions.flatMap((a) => (a.type === "send" ? [a.message] : [])) as OutboundMessageInput[];
const texts = (actions: FlowAction[]) =>
  sends(actions).map((m) => (m.type === "text" ? m.text : m.type === "interactive" ? m.body : m.type));
const handoffOf = (actions: FlowAction[]) => actions.find((a) => a.type === "handoff");
const buttonsOf = (actions: FlowAction[]) =>
  sends(actions).flatMap((m) => (m.type === "interactive" && m.buttons ? m.buttons.map((b) => b.title) : []));

// Reaches the main menu in English: first message, then English.
const TO_MENU: Say[] = ["hi", { reply: "language:en", text: "English" }];

describe("stepFlow through DEFAULT_FLOW", () => {
  it("greets and offers the languages on the first message", () => {
    const { state, last } = play(DEFAULT_FLOW, ["hello"]);
    expect(texts(last)[0]).toMatch(/Welcome/);
    expect(buttonsOf(last)).toEqual(["English", "Español"]);
    expect(state).toMatchObject({ node: "language", failures: 0 });
    expect(state.done).toBeUndefined();
  });

  it.each<[string, Say[], string, string[]]>([
    ["English by button", TO_MENU, "How can we help you today?", ["Orders", "Billing", "Talk to a person"]],
    [
      "Spanish by button",
      ["hi", { reply: "language:es", text: "Español" }],
      "¿En qué podemos ayudarte hoy?",
      ["Pedidos", "Facturación", "Hablar con persona"],
    ],
    [
      "Spanish typed without accent",
      ["hi", "espanol"],
      "¿En qué podemos ayudarte hoy?",
      ["Pedidos", "Facturación", "Hablar con persona"],
    ],
    [
      "Spanish by number",
      ["hi", "2"],
      "¿En qué podemos ayudarte hoy?",
      ["Pedidos", "Facturación", "Hablar con persona"],
    ],
  ])("language: %s", (_, says, body, buttons) => {
    const { state, last } = play(DEFAULT_FLOW, says);
    expect(texts(last)).toEqual([body]);
    expect(buttonsOf(last)).toEqual(buttons);
    expect(state.node).toBe("main_menu");
  });

  it("keeps the chosen language for later texts and the handoff", () => {
    const { state, steps } = play(DEFAULT_FLOW, [
      "hi",
      { reply: "language:es" },
      { reply: "orders" },
      "12345",
    ]);
    expect(texts(steps[2]!)[0]).toMatch(/número de pedido/);
    expect(texts(steps[3]!)[0]).toMatch(/correo electrónico/);
    expect(state.language).toBe("es");
  });

  it.each<[string, Say, string]>([
    ["button id", { reply: "orders", text: "Orders" }, "order_number"],
    ["button id whatever the text", { reply: "billing", text: "something else" }, "billing_faq"],
    ["typed number", "1", "order_number"],
    ["typed number with a dot", "2.", "billing_faq"],
    ["typed title", "billing", "billing_faq"],
    ["typed title in the other language, no accent", "FACTURACION", "billing_faq"],
    ["keyword in a sentence", "I have a question about my order", "order_number"],
  ])("menu: picks by %s", (_, say, node) => {
    const { state, last } = play(DEFAULT_FLOW, [...TO_MENU, say]);
    expect(state.node).toBe(node);
    expect(state.failures).toBe(0);
    expect(last).toContainEqual({
      type: "set_field",
      name: "topic",
      value: node === "billing_faq" ? "billing" : "orders",
    });
  });

  it("menu: a typed number outside the options is a wrong answer", () => {
    const { state } = play(DEFAULT_FLOW, [...TO_MENU, "7"]);
    expect(state).toMatchObject({ node: "main_menu", failures: 1 });
  });

  it("menu: 'Talk to a person' hands off with reason menu, a summary and the fields", () => {
    const { state, last } = play(DEFAULT_FLOW, [...TO_MENU, { reply: "agent", text: "Talk to a person" }]);
    expect(handoffOf(last)).toEqual({
      type: "handoff",
      reason: "menu",
      summary: "Asked to talk to a person (topic: agent).",
      fields: { topic: "agent" },
      language: "en",
    });
    expect(texts(last)).toEqual([
      "Sure, I'm passing you to a person. They'll answer here as soon as they can.",
    ]);
    expect(state.done).toBe(true);
    expect(last.at(-1)?.type).toBe("handoff");
  });

  it("question: invalid order number and email get the retry text, valid ones are stored, then handoff", () => {
    const { steps, state } = play(DEFAULT_FLOW, [
      ...TO_MENU,
      { reply: "orders" },
      "my order",
      "#123456",
      "not an email",
      "  Ana@Example.COM ",
    ]);
    const [, , , wrongOrder, rightOrder, wrongEmail, rightEmail] = steps;
    expect(texts(wrongOrder!)).toEqual([
      "That doesn't look like an order number. It has 5 to 10 digits, e.g. 12345.",
    ]);
    expect(rightOrder).toContainEqual({ type: "set_field", name: "order_number", value: "#123456" });
    expect(texts(wrongEmail!)[0]).toMatch(/doesn't look like an email/);
    expect(rightEmail).toContainEqual({ type: "set_field", name: "email", value: "ana@example.com" });
    expect(texts(rightEmail!)).toEqual([
      "Got it. A person will look at order #123456 and answer here shortly.",
    ]);
    expect(handoffOf(rightEmail!)).toEqual({
      type: "handoff",
      reason: "flow",
      summary: "Order question: order #123456, email ana@example.com.",
      fields: { topic: "orders", order_number: "#123456", email: "ana@example.com" },
      language: "en",
    });
    expect(state.done).toBe(true);
  });

  it("a right answer resets the failure count", () => {
    const { state } = play(DEFAULT_FLOW, [...TO_MENU, "??", "??", "1", "x", "x"]);
    expect(state).toMatchObject({ node: "order_number", failures: 2 });
    expect(state.done).toBeUndefined();
  });

  it("N wrong answers in a row hand off with reason failures, the summary and the fields", () => {
    const { steps, state } = play(DEFAULT_FLOW, [...TO_MENU, { reply: "orders" }, "abc", "def", "ghi"]);
    // Before the limit: the retry text only (questions aren't re-asked)
    expect(texts(steps[3]!)).toHaveLength(1);
    expect(handoffOf(steps[4]!)).toBeUndefined();
    const handoff = handoffOf(steps[5]!);
    expect(handoff).toMatchObject({ reason: "failures", fields: { topic: "orders" }, language: "en" });
    expect(handoff?.type === "handoff" && handoff.summary).toMatch(/could not understand/);
    expect(texts(steps[5]!)).toEqual([
      "I'm passing you to a person. They'll answer here as soon as they can.",
    ]);
    expect(state.done).toBe(true);
  });

  it("a wrong menu answer repeats the retry text and the buttons", () => {
    const { last, state } = play(DEFAULT_FLOW, [...TO_MENU, "what?"]);
    expect(texts(last)).toEqual(["Sorry, I didn't get that.", "How can we help you today?"]);
    expect(buttonsOf(last)).toEqual(["Orders", "Billing", "Talk to a person"]);
    expect(state.failures).toBe(1);
  });

  it("a media message (no text) counts as a wrong answer", () => {
    const { state } = play(DEFAULT_FLOW, [...TO_MENU, null]);
    expect(state).toMatchObject({ node: "main_menu", failures: 1 });
  });

  it.each(["agent", "AGENT!", " Agente ", "humano"])(
    "handoff keyword %j mid-flow hands off at once",
    (word) => {
      const { last, state } = play(DEFAULT_FLOW, [...TO_MENU, { reply: "orders" }, word]);
      expect(handoffOf(last)).toMatchObject({ reason: "keyword", fields: { topic: "orders" } });
      expect(state.done).toBe(true);
    },
  );

  it("a keyword inside a longer message is not a handoff keyword", () => {
    const { last } = play(DEFAULT_FLOW, [...TO_MENU, { reply: "orders" }, "my agent said 12345"]);
    expect(handoffOf(last)).toBeUndefined();
  });

  it("a handoff keyword as the very first message hands off before greeting", () => {
    const { last } = play(DEFAULT_FLOW, ["Human"]);
    expect(handoffOf(last)).toMatchObject({ reason: "keyword", summary: 'Asked for a person ("Human").' });
    expect(texts(last).some((t) => /Welcome/.test(t))).toBe(false);
  });

  it("FAQ: a hit answers and moves on; a miss sends the fallback and counts a failure", () => {
    const hit = play(DEFAULT_FLOW, [...TO_MENU, { reply: "billing" }, "How do I get a REFUND?"]);
    expect(texts(hit.last)[0]).toMatch(/^Refunds go back/);
    expect(hit.state.node).toBe("anything_else");

    const miss = play(DEFAULT_FLOW, [...TO_MENU, { reply: "billing" }, "Where is the shop?"]);
    expect(texts(miss.last)).toEqual([
      "I don't know that one yet. Try *invoice*, *refund* or *payment*, or type *agent*.",
    ]);
    expect(miss.state).toMatchObject({ node: "billing_faq", failures: 1 });
  });

  it("FAQ: keywords match whole words only, accent-insensitively", () => {
    const { last } = play(DEFAULT_FLOW, [
      "hi",
      { reply: "language:es" },
      { reply: "billing" },
      "quiero una DEVOLUCIÓN",
    ]);
    expect(texts(last)[0]).toMatch(/^Los reembolsos/);
    const partial = play(DEFAULT_FLOW, [...TO_MENU, { reply: "billing" }, "paying"]);
    expect(partial.state.failures).toBe(1);
  });

  it("FAQ loop ends politely", () => {
    const { last, state } = play(DEFAULT_FLOW, [
      ...TO_MENU,
      { reply: "billing" },
      "invoice",
      { reply: "faq_done" },
    ]);
    expect(last.at(-1)).toEqual({ type: "end" });
    expect(texts(last)[0]).toMatch(/Glad I could help/);
    expect(state.done).toBe(true);
  });

  it("after the end, further messages do nothing", () => {
    const done = play(DEFAULT_FLOW, [...TO_MENU, { reply: "agent" }]).state;
    const again = stepFlow(DEFAULT_FLOW, done, input("hello?"), { now: OPEN });
    expect(again.actions).toEqual([]);
    expect(again.state).toBe(done);
  });

  it("does not mutate the state it was given", () => {
    const before = play(DEFAULT_FLOW, TO_MENU).state;
    const copy = structuredClone(before);
    stepFlow(DEFAULT_FLOW, before, input({ reply: "orders" }), { now: OPEN });
    expect(before).toEqual(copy);
  });
});

describe("stepFlow outside business hours", () => {
  const withOutside = (outsideHours: "continue" | "handoff" | "end"): FlowDefinition => ({
    ...DEFAULT_FLOW,
    settings: { ...DEFAULT_FLOW.settings, outsideHours },
  });

  it("inside hours: no away message", () => {
    const { last } = play(DEFAULT_FLOW, ["hi"], OPEN);
    expect(texts(last).some((t) => /closed/.test(t))).toBe(false);
  });

  it("continue: away message, then the flow as usual", () => {
    const { last, state } = play(withOutside("continue"), ["hi"], CLOSED);
    expect(texts(last)[0]).toMatch(/^We're closed right now/);
    expect(texts(last)[1]).toMatch(/Welcome/);
    expect(state.node).toBe("language");
  });

  it("handoff: away message, then a handoff outside_hours (no second hand-over text)", () => {
    const { last, state } = play(withOutside("handoff"), ["hi"], CLOSED);
    expect(texts(last)).toHaveLength(1);
    expect(texts(last)[0]).toMatch(/^We're closed right now/);
    expect(handoffOf(last)).toMatchObject({ reason: "outside_hours" });
    expect(state.done).toBe(true);
  });

  it("end: away message, then the bot ends", () => {
    const { last, state } = play(withOutside("end"), ["hi"], CLOSED);
    expect(last.map((a) => a.type)).toEqual(["send", "end"]);
    expect(state.done).toBe(true);
  });

  it("only the first message checks the hours", () => {
    const started = play(withOutside("handoff"), ["hi"], OPEN).state;
    const { last } = play(withOutside("handoff"), [{ reply: "language:en" }], CLOSED, started);
    expect(handoffOf(last)).toBeUndefined();
  });
});

describe("stepFlow with conditions, lists and broken flows", () => {
  const flow: FlowDefinition = {
    version: 1,
    start: "size",
    settings: {
      handoffKeywords: [],
      maxFailures: 2,
      businessHours: { timezone: "UTC", weekly: { wed: [["09:00", "17:00"]] }, holidays: [] },
    },
    nodes: {
      size: {
        type: "question",
        text: "How many items?",
        field: "items",
        validation: "number",
        next: "check",
      },
      check: {
        type: "condition",
        rules: [{ when: { kind: "field", field: "items", op: "gt", value: "100" }, next: "big" }],
        else: "hours",
      },
      hours: {
        type: "condition",
        rules: [{ when: { kind: "business_hours", open: true }, next: "pick" }],
        else: "closed",
      },
      big: { type: "handoff", summary: "Bulk order of {{fields.items}} items" },
      closed: { type: "end", text: "We're closed." },
      pick: {
        type: "menu",
        style: "list",
        text: "Pick a colour for {{fields.items}} items",
        button: "Colours",
        sectionTitle: "Colours",
        options: [
          { id: "red", title: "Red", description: "Bright", next: "bye" },
          { id: "blue", title: "Blue", next: "bye" },
        ],
        field: "colour",
      },
      bye: { type: "end", text: "Thanks, {{fields.colour}} it is." },
    },
  };

  it("a field condition leads to a handoff with reason field", () => {
    const { last } = play(flow, ["hi", "1 000,5"]);
    expect(last).toContainEqual({ type: "set_field", name: "items", value: "1000.5" });
    expect(handoffOf(last)).toMatchObject({
      reason: "field",
      summary: "Bulk order of 1000.5 items",
      fields: { items: "1000.5" },
    });
  });

  it("a business-hours condition branches on env.now", () => {
    expect(texts(play(flow, ["hi", "3"], CLOSED).last)).toEqual(["We're closed."]);
    const open = play(flow, ["hi", "3"], OPEN);
    const [list] = sends(open.last);
    expect(list).toEqual({
      type: "interactive",
      kind: "list",
      body: "Pick a colour for 3 items",
      list: {
        button: "Colours",
        sections: [
          {
            title: "Colours",
            rows: [
              { id: "red", title: "Red", description: "Bright" },
              { id: "blue", title: "Blue" },
            ],
          },
        ],
      },
    });
  });

  it("a list reply picks by row id", () => {
    const { last } = play(flow, ["hi", "3", { reply: "blue", text: "Blue" }]);
    expect(texts(last)).toEqual(["Thanks, blue it is."]);
  });

  it("clamps a body that a long field value made too long", () => {
    const long = {
      ...flow,
      nodes: { ...flow.nodes, size: { ...flow.nodes.size!, validation: "text" as const } },
    };
    const { last } = play(long, ["hi", "x".repeat(1000)], OPEN);
    const body = sends(last).find((m) => m.type === "interactive");
    expect(body?.type === "interactive" && body.body.length).toBe(1024);
  });

  it("never throws: a missing start step or a stale node hands off with reason flow", () => {
    const broken = { ...flow, start: "nowhere" };
    expect(handoffOf(play(broken, ["hi"]).last)).toMatchObject({ reason: "flow" });
    const stale = play(flow, ["hi"], OPEN, { node: "gone", fields: {}, failures: 0 });
    expect(handoffOf(stale.last)).toMatchObject({ reason: "flow" });
  });

  it("never throws: a loop of steps that don't wait hands off", () => {
    const looping: FlowDefinition = {
      ...flow,
      start: "a",
      nodes: { a: { type: "message", text: "a", next: "b" }, b: { type: "message", text: "b", next: "a" } },
    };
    const { last } = play(looping, ["hi"]);
    expect(handoffOf(last)).toMatchObject({ reason: "flow" });
  });

  it("never throws: a bad pattern in an unvalidated flow hands off", () => {
    const bad: FlowDefinition = {
      ...flow,
      nodes: {
        ...flow.nodes,
        size: { type: "question", text: "?", field: "x", validation: "pattern", pattern: "(", next: "bye" },
      },
    };
    const { last } = play(bad, ["hi", "anything"]);
    expect(last.map((a) => a.type)).toEqual(["handoff"]);
  });
});

describe("answer matching", () => {
  it.each<[Parameters<typeof validateAnswer>[0], string, string | null]>([
    [{ validation: "email" }, "a@b.co", "a@b.co"],
    [{ validation: "email" }, "a@b", null],
    [{ validation: "email" }, "a b@c.com", null],
    [{ validation: "number" }, "42", "42"],
    [{ validation: "number" }, "4,5", "4.5"],
    [{ validation: "number" }, "four", null],
    [{ validation: "phone" }, "+34 600-123 456", "+34600123456"],
    [{ validation: "phone" }, "12", null],
    [{ validation: "pattern", pattern: "[A-Z]{2}\\d{4}" }, "ab1234", "ab1234"],
    [{ validation: "pattern", pattern: "[A-Z]{2}\\d{4}" }, "xab1234", null],
    [{ validation: "text" }, "   ", null],
  ])("%j accepts %j → %j", (node, text, expected) => {
    expect(validateAnswer(node, text)).toBe(expected);
  });

  it("an ambiguous loose match picks nothing", () => {
    const options = [
      { id: "a", title: "Orders", next: "x" },
      { id: "b", title: "Returns", next: "x" },
    ];
    expect(matchOption(options, input("orders and returns"))?.id).toBeUndefined();
    expect(matchOption(options, input("about returns"))?.id).toBe("b");
  });
});
