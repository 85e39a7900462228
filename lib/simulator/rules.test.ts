import { describe, expect, it } from "vitest";
import type { SendComponent, Template } from "./rules";
import {
  RateWindow,
  TokenBucket,
  WINDOW_MS,
  checkTemplateSend,
  graphErrorBody,
  httpStatusFor,
  templateVariables,
  throughputLimit,
  windowOpen,
} from "./rules";
import { metaJson, newBsuid, newWamid, signBody } from "./sign";
import { createHmac } from "node:crypto";

describe("24 h window", () => {
  it("is open only within 24 h of the last inbound message", () => {
    const t = 1_000_000;
    expect(windowOpen(undefined, t)).toBe(false);
    expect(windowOpen(t, t + WINDOW_MS - 1)).toBe(true);
    expect(windowOpen(t, t + WINDOW_MS)).toBe(false);
  });
});

describe("throughput", () => {
  it("20 mps on Coexistence, 80 otherwise", () => {
    expect(throughputLimit(true)).toBe(20);
    expect(throughputLimit(false)).toBe(80);
    expect(throughputLimit(true, 5)).toBe(5);
  });
  it("sliding one-second window", () => {
    const w = new RateWindow(1000);
    for (let i = 0; i < 20; i++) expect(w.tryHit(100, 20)).toBe(true);
    expect(w.tryHit(500, 20)).toBe(false);
    expect(w.tryHit(1100, 20)).toBe(true);
  });
  it("keeps a hit stamped earlier than one already counted in order, so it expires at its own time", () => {
    const w = new RateWindow(1000);
    expect(w.tryHit(500, 2)).toBe(true);
    expect(w.tryHit(100, 2)).toBe(true);
    expect(w.tryHit(1050, 2)).toBe(false); // both still in the window
    expect(w.tryHit(1100, 2)).toBe(true); // 100 left at 1100, 500 stays: two
    expect(w.tryHit(1200, 2)).toBe(false);
  });
  it("judges a hit that came in late by the windows that hold it, not by every hit after it", () => {
    const w = new RateWindow(1000);
    expect(w.tryHit(0, 2)).toBe(true);
    expect(w.tryHit(1600, 2)).toBe(true);
    // Stamped 550, handled after 1,600: each window holding it holds one other hit at most.
    expect(w.tryHit(550, 2)).toBe(true);
    // 1,540 shares a window with 550 or with 1,600, never with both; 1,560 then makes three with them.
    expect(w.tryHit(1540, 2)).toBe(true);
    expect(w.tryHit(1560, 2)).toBe(false);
  });
  it("refuses only a window crowded for certain: a hit held before its stamp may have come earlier", () => {
    const w = new RateWindow(1000);
    expect(w.tryHit(0, 2)).toBe(true);
    expect(w.tryHit(600, 2)).toBe(true);
    // Stamped 1,020, held since 980: it may have come 1,020 ms after 0, so no window is surely crowded.
    expect(w.tryHit(980, 2, 1020)).toBe(true);
    // Held from 100 to 900: however it came, it shares a window with 0 and 600.
    const strict = new RateWindow(1000);
    strict.tryHit(0, 2);
    strict.tryHit(600, 2);
    expect(strict.tryHit(100, 2, 900)).toBe(false);
    // Held from -500 to 700: it may have come at -500, 1,100 ms before 600, so no window is surely crowded.
    expect(strict.tryHit(-500, 2, 700)).toBe(true);
  });
});

describe("pair rate", () => {
  it("allows a burst, then one per refill period", () => {
    const b = new TokenBucket(3, 6000, 0);
    expect([b.take(0), b.take(1), b.take(2), b.take(3)]).toEqual([true, true, true, false]);
    expect(b.take(5999)).toBe(false);
    expect(b.take(6000)).toBe(true);
    expect(b.take(6001)).toBe(false);
  });
});

describe("templates", () => {
  const base: Template = {
    id: "1",
    wabaId: "w",
    name: "order_ready",
    language: "en_US",
    category: "UTILITY",
    status: "APPROVED",
    parameterFormat: "POSITIONAL",
    components: [{ type: "BODY", text: "Hi {{1}}, order {{2}} is ready" }],
  };
  const named: Template = {
    ...base,
    id: "2",
    name: "named_one",
    parameterFormat: "NAMED",
    components: [{ type: "BODY", text: "Hi {{first_name}}" }],
  };
  const media: Template = {
    ...base,
    id: "3",
    name: "with_image",
    components: [
      { type: "HEADER", format: "IMAGE" },
      { type: "BODY", text: "Look" },
    ],
  };
  const ok = (params: NonNullable<SendComponent["parameters"]>) => ({
    name: "order_ready",
    language: { code: "en_US" },
    components: [{ type: "body", parameters: params }],
  });
  const code = (r: ReturnType<typeof checkTemplateSend>) => ("error" in r ? r.error.code : 0);

  it("parses variables", () => {
    expect(templateVariables("Hi {{1}} {{ 2 }} {{first_name}}")).toEqual(["1", "2", "first_name"]);
  });
  it("accepts a correct send (en-US normalised)", () => {
    expect(
      code(
        checkTemplateSend([base], {
          ...ok([
            { type: "text", text: "A" },
            { type: "text", text: "B" },
          ]),
          language: { code: "en-US" },
        }),
      ),
    ).toBe(0);
  });
  it("132001 when missing, wrong language, pending or rejected", () => {
    expect(code(checkTemplateSend([base], { name: "nope", language: { code: "en_US" } }))).toBe(132001);
    expect(code(checkTemplateSend([base], { name: "order_ready", language: { code: "fr" } }))).toBe(132001);
    expect(code(checkTemplateSend([{ ...base, status: "PENDING" }], ok([{}, {}])))).toBe(132001);
    expect(code(checkTemplateSend([{ ...base, status: "REJECTED" }], ok([{}, {}])))).toBe(132001);
  });
  it("132015 paused, 132016 disabled", () => {
    expect(code(checkTemplateSend([{ ...base, status: "PAUSED" }], ok([{}, {}])))).toBe(132015);
    expect(code(checkTemplateSend([{ ...base, status: "DISABLED" }], ok([{}, {}])))).toBe(132016);
  });
  it("132000 on parameter count mismatch", () => {
    expect(code(checkTemplateSend([base], ok([{ type: "text", text: "A" }])))).toBe(132000);
  });
  it("132012 on parameter format mismatch", () => {
    expect(
      code(
        checkTemplateSend(
          [base],
          ok([
            { type: "text", text: "A", parameter_name: "x" },
            { type: "text", text: "B" },
          ]),
        ),
      ),
    ).toBe(132012);
    const send = {
      name: "named_one",
      language: { code: "en_US" },
      components: [{ type: "body", parameters: [{ type: "text", text: "A" }] }],
    };
    expect(code(checkTemplateSend([named], send))).toBe(132012);
    send.components[0]!.parameters[0] = { type: "text", text: "A", parameter_name: "first_name" } as never;
    expect(code(checkTemplateSend([named], send))).toBe(0);
    const img = (t: string) => ({
      name: "with_image",
      language: { code: "en_US" },
      components: [{ type: "header", parameters: [{ type: t }] }],
    });
    expect(code(checkTemplateSend([media], img("image")))).toBe(0);
    expect(code(checkTemplateSend([media], img("text")))).toBe(132012);
  });
});

describe("graph errors", () => {
  it("uses Meta's shape and HTTP statuses", () => {
    expect(graphErrorBody(131047, "d", "T")).toEqual({
      error: {
        message: "(#131047) Re-engagement message",
        type: "OAuthException",
        code: 131047,
        error_data: { messaging_product: "whatsapp", details: "d" },
        fbtrace_id: "T",
      },
    });
    expect(httpStatusFor(190)).toBe(401);
    expect(httpStatusFor(130429)).toBe(429);
    expect(httpStatusFor(131056)).toBe(400);
  });
});

describe("signing and ids", () => {
  it("escapes non-ASCII as lowercase \\uXXXX (surrogate pairs for emoji) and slashes", () => {
    const s = metaJson({ a: "é🙂", u: "https://x/y" });
    expect(s).toBe('{"a":"\\u00e9\\ud83d\\ude42","u":"https:\\/\\/x\\/y"}');
    expect(JSON.parse(s)).toEqual({ a: "é🙂", u: "https://x/y" });
    expect(metaJson({ u: "a/b" }, { escapeSlashes: false })).toBe('{"u":"a/b"}');
  });
  it("signs with HMAC-SHA256 over the exact bytes", () => {
    const body = metaJson({ x: "ü" });
    expect(signBody(body, "k")).toBe(
      "sha256=" + createHmac("sha256", "k").update(Buffer.from(body, "utf8")).digest("hex"),
    );
  });
  it("ids look like Meta's", () => {
    expect(newWamid()).toMatch(/^wamid\.[A-Za-z0-9+/]{30,}$/);
    expect(newBsuid("GB")).toMatch(/^GB\.\d{20}$/);
  });
});
