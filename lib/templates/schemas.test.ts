import { describe, expect, it } from "vitest";
import { createTemplateInput, fillVariables, templateVariables } from "./schemas";

describe("template variables", () => {
  it("finds positional and named variables in order, and only exact {{name}} forms", () => {
    expect(templateVariables("Hi {{1}}, order {{2}} for {{1}}")).toEqual(["1", "2", "1"]);
    expect(templateVariables("Hi {{first_name}}!")).toEqual(["first_name"]);
    expect(templateVariables("Hi { {1} }")).toEqual([]);
  });

  it("fills examples and leaves variables without one visible", () => {
    expect(fillVariables("Hi {{1}}, order {{2}}.", { "1": "Maria" })).toBe("Hi Maria, order {{2}}.");
  });
});

describe("createTemplateInput", () => {
  const base = {
    name: "welcome",
    language: "en_US",
    category: "UTILITY",
    components: { body: { text: "Hello {{1}}, welcome.", examples: { "1": "Ana" } } },
  } as const;

  it("accepts a minimal template and defaults to positional parameters", () => {
    const parsed = createTemplateInput.parse(base);
    expect(parsed.parameter_format).toBe("POSITIONAL");
    expect(parsed.components.buttons).toEqual([]);
  });

  it("accepts quick replies grouped after the other buttons", () => {
    const result = createTemplateInput.safeParse({
      ...base,
      components: {
        ...base.components,
        buttons: [
          { type: "URL", text: "Site", url: "https://x.example/{{1}}", example: "a" },
          { type: "QUICK_REPLY", text: "Yes" },
          { type: "QUICK_REPLY", text: "No" },
        ],
      },
    });
    expect(result.success).toBe(true);
  });

  it("names the example that is missing", () => {
    const result = createTemplateInput.safeParse({
      ...base,
      components: { body: { text: "Hello {{1}} and {{2}} today.", examples: { "1": "Ana" } } },
    });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["components.body.examples.2"]);
  });
});
