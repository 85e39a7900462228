import { describe, expect, it } from "vitest";
import {
  buildTemplateComponents,
  checkTemplateSendable,
  normalizeLanguage,
  renderTemplatePreview,
  templateVariables,
  type TemplateRow,
} from "./template-params";

// Shapes as returned by GET /<WABA_ID>/message_templates (PROTOCOL.md §10).
const orderReady: TemplateRow = {
  name: "order_ready",
  language: "en-US",
  category: "UTILITY",
  status: "APPROVED",
  components: [
    { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["#4821"] } },
    {
      type: "BODY",
      text: "Hi {{1}}, your order {{2}} is ready for pickup at {{3}}.",
      example: { body_text: [["Ana", "#4821", "Main St"]] },
    },
    { type: "FOOTER", text: "Reply STOP to opt out" },
    {
      type: "BUTTONS",
      buttons: [
        { type: "QUICK_REPLY", text: "On my way" },
        {
          type: "URL",
          text: "Track order",
          url: "https://shop.example.com/track/{{1}}",
          example: ["https://shop.example.com/track/abc123"],
        },
        { type: "PHONE_NUMBER", text: "Call us", phone_number: "+15550001111" },
      ],
    },
  ],
};

const welcomeNamed: TemplateRow = {
  name: "welcome_named",
  language: "pt_BR",
  category: "MARKETING",
  status: "APPROVED",
  parameter_format: "NAMED",
  components: [
    {
      type: "HEADER",
      format: "TEXT",
      text: "Hello {{first_name}}",
      example: { header_text_named_params: [{ param_name: "first_name", example: "Ana" }] },
    },
    {
      type: "BODY",
      text: "Your code {{discount_code}} gives {{percent}} off, {{first_name}}.",
      example: {
        body_text_named_params: [
          { param_name: "discount_code", example: "SPRING" },
          { param_name: "percent", example: "10%" },
          { param_name: "first_name", example: "Ana" },
        ],
      },
    },
  ],
};

const imageHeader: TemplateRow = {
  name: "new_arrivals",
  language: "en",
  category: "MARKETING",
  status: "APPROVED",
  components: [
    { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW1hZ2U="] } },
    { type: "BODY", text: "New in store this week." },
    { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "SAVE20" }] },
  ],
};

const otp: TemplateRow = {
  name: "login_code",
  language: "en_US",
  category: "AUTHENTICATION",
  status: "APPROVED",
  components: [
    { type: "BODY", text: "*{{1}}* is your verification code.", example: { body_text: [["123456"]] } },
    { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }] },
  ],
};

const plain: TemplateRow = {
  name: "hello_world",
  language: "en_US",
  category: "UTILITY",
  status: "APPROVED",
  components: [{ type: "BODY", text: "Hello from Tandem" }],
};

const withHeader = (format: string): TemplateRow => ({
  ...plain,
  name: `with_${format.toLowerCase()}`,
  components: [
    { type: "HEADER", format },
    { type: "BODY", text: "See attached." },
  ],
});

const orderVars = { variables: ["Ana", "#4821", "Main St"], header: { text: "#4821" } };

describe("templateVariables", () => {
  it("lists positional header, body and button variables with their examples", () => {
    expect(templateVariables(orderReady)).toEqual({
      header: [{ key: "1", example: "#4821" }],
      body: [
        { key: "1", example: "Ana" },
        { key: "2", example: "#4821" },
        { key: "3", example: "Main St" },
      ],
      buttons: [
        { index: 0, type: "QUICK_REPLY", vars: [] },
        { index: 1, type: "URL", vars: [{ key: "1", example: "abc123" }] },
        { index: 2, type: "PHONE_NUMBER", vars: [] },
      ],
      headerFormat: "TEXT",
      parameterFormat: "POSITIONAL",
    });
  });

  it("lists named variables once each, in order of appearance", () => {
    expect(templateVariables(welcomeNamed)).toEqual({
      header: [{ key: "first_name", example: "Ana" }],
      body: [
        { key: "discount_code", example: "SPRING" },
        { key: "percent", example: "10%" },
        { key: "first_name", example: "Ana" },
      ],
      buttons: [],
      headerFormat: "TEXT",
      parameterFormat: "NAMED",
    });
  });

  it("detects NAMED from the placeholders when parameter_format is absent", () => {
    const { parameter_format: _omitted, ...rest } = welcomeNamed;
    expect(templateVariables(rest).parameterFormat).toBe("NAMED");
    expect(templateVariables(orderReady).parameterFormat).toBe("POSITIONAL");
  });

  it("trusts an explicit parameter_format", () => {
    expect(templateVariables({ ...plain, parameter_format: "NAMED" }).parameterFormat).toBe("NAMED");
  });

  it("orders positional keys numerically, even past 9", () => {
    const body = Array.from({ length: 11 }, (_, i) => `{{${11 - i}}}`).join(" ");
    const vars = templateVariables({ components: [{ type: "BODY", text: body }] }).body;
    expect(vars.map((v) => v.key)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
    expect(vars[0]).toEqual({ key: "1" }); // no example given: no example key at all
  });

  it("reports media headers and copy-code buttons", () => {
    expect(templateVariables(imageHeader)).toEqual({
      header: [],
      body: [],
      buttons: [{ index: 0, type: "COPY_CODE", vars: [{ key: "coupon_code", example: "SAVE20" }] }],
      headerFormat: "IMAGE",
      parameterFormat: "POSITIONAL",
    });
  });

  it("does not ask for the OTP button value (it repeats the body code)", () => {
    expect(templateVariables(otp).buttons).toEqual([{ index: 0, type: "OTP", vars: [] }]);
  });

  it("survives junk components", () => {
    for (const components of [null, undefined, "nope", 42, [null, 1, "x"], [{ type: 5 }], {}]) {
      expect(templateVariables({ components })).toEqual({
        header: [],
        body: [],
        buttons: [],
        headerFormat: null,
        parameterFormat: "POSITIONAL",
      });
    }
  });

  it("reads lowercase component types and spaced placeholders", () => {
    const vars = templateVariables({ components: [{ type: "body", text: "Hi {{ 1 }} and {{2}}" }] });
    expect(vars.body.map((v) => v.key)).toEqual(["1", "2"]);
  });
});

describe("checkTemplateSendable", () => {
  it("accepts only APPROVED (any case)", () => {
    expect(checkTemplateSendable({ status: "APPROVED" })).toEqual({ ok: true });
    expect(checkTemplateSendable({ status: "approved" })).toEqual({ ok: true });
  });

  it.each([
    ["PAUSED", 132015],
    ["DISABLED", 132016],
    ["PENDING", 132001],
    ["REJECTED", 132001],
    ["IN_APPEAL", 132001],
    ["PENDING_DELETION", 132001],
    ["DELETED", 132001],
    ["", 132001],
    [null, 132001],
  ])("%s → %i", (status, code) => {
    const result = checkTemplateSendable({ status });
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });

  it("says what the status is in words", () => {
    expect(checkTemplateSendable({ status: "IN_APPEAL" })).toEqual({
      ok: false,
      code: 132001,
      message: "This template is in appeal, not approved; only approved templates can be sent.",
    });
  });
});

describe("buildTemplateComponents", () => {
  it("builds header, body and URL-button parameters in Meta's shape", () => {
    const result = buildTemplateComponents(orderReady, {
      ...orderVars,
      buttons: [{ index: 1, text: "abc123" }],
    });
    expect(result).toStrictEqual({
      ok: true,
      template: {
        name: "order_ready",
        language: { code: "en_US" },
        components: [
          { type: "header", parameters: [{ type: "text", text: "#4821" }] },
          {
            type: "body",
            parameters: [
              { type: "text", text: "Ana" },
              { type: "text", text: "#4821" },
              { type: "text", text: "Main St" },
            ],
          },
          { type: "button", sub_type: "url", index: "1", parameters: [{ type: "text", text: "abc123" }] },
        ],
      },
    });
  });

  it("adds quick-reply payloads when given", () => {
    const result = buildTemplateComponents(orderReady, {
      ...orderVars,
      buttons: [
        { index: 1, text: "abc123" },
        { index: 0, payload: "conv:42:coming" },
      ],
    });
    expect(result.ok && result.template.components.slice(2)).toStrictEqual([
      {
        type: "button",
        sub_type: "quick_reply",
        index: "0",
        parameters: [{ type: "payload", payload: "conv:42:coming" }],
      },
      { type: "button", sub_type: "url", index: "1", parameters: [{ type: "text", text: "abc123" }] },
    ]);
  });

  it("accepts positional values as an object keyed by number", () => {
    const result = buildTemplateComponents(orderReady, {
      variables: { "3": "Main St", "1": "Ana", "2": "#4821" },
      header: { text: "#4821" },
      buttons: [{ index: 1, text: "abc123" }],
    });
    expect(result.ok && result.template.components[1]).toStrictEqual({
      type: "body",
      parameters: [
        { type: "text", text: "Ana" },
        { type: "text", text: "#4821" },
        { type: "text", text: "Main St" },
      ],
    });
  });

  it("adds parameter_name for NAMED templates, taking the header from variables", () => {
    const result = buildTemplateComponents(welcomeNamed, {
      variables: { first_name: "Ana", discount_code: "SPRING", percent: "10%" },
    });
    expect(result).toStrictEqual({
      ok: true,
      template: {
        name: "welcome_named",
        language: { code: "pt_BR" },
        components: [
          { type: "header", parameters: [{ type: "text", parameter_name: "first_name", text: "Ana" }] },
          {
            type: "body",
            parameters: [
              { type: "text", parameter_name: "discount_code", text: "SPRING" },
              { type: "text", parameter_name: "percent", text: "10%" },
              { type: "text", parameter_name: "first_name", text: "Ana" },
            ],
          },
        ],
      },
    });
  });

  it("lets header.text override a NAMED header value", () => {
    const result = buildTemplateComponents(welcomeNamed, {
      variables: { first_name: "Ana", discount_code: "SPRING", percent: "10%" },
      header: { text: "Ana Maria" },
    });
    expect(result.ok && result.template.components[0]).toStrictEqual({
      type: "header",
      parameters: [{ type: "text", parameter_name: "first_name", text: "Ana Maria" }],
    });
  });

  it("sends no components for a template without variables", () => {
    expect(buildTemplateComponents(plain, {})).toStrictEqual({
      ok: true,
      template: { name: "hello_world", language: { code: "en_US" }, components: [] },
    });
    expect(buildTemplateComponents(plain, { variables: [] }).ok).toBe(true);
    expect(buildTemplateComponents(plain, { variables: {} }).ok).toBe(true);
  });

  it.each([
    ["IMAGE", { id: "1234567890" }, { type: "image", image: { id: "1234567890" } }],
    [
      "VIDEO",
      { link: "https://cdn.example.com/v.mp4" },
      { type: "video", video: { link: "https://cdn.example.com/v.mp4" } },
    ],
    ["DOCUMENT", { id: "55" }, { type: "document", document: { id: "55", filename: "invoice.pdf" } }],
  ])("builds a %s header", (format, media, parameter) => {
    const result = buildTemplateComponents(withHeader(format), {
      header: { media, filename: "invoice.pdf" },
    });
    expect(result.ok && result.template.components).toStrictEqual([
      { type: "header", parameters: [parameter] },
    ]);
  });

  it("builds a LOCATION header", () => {
    const result = buildTemplateComponents(withHeader("LOCATION"), {
      header: { location: { latitude: 38.72, longitude: -9.14, name: "Shop" } },
    });
    expect(result.ok && result.template.components).toStrictEqual([
      {
        type: "header",
        parameters: [{ type: "location", location: { latitude: 38.72, longitude: -9.14, name: "Shop" } }],
      },
    ]);
  });

  it("builds the copy-code button with a coupon_code parameter", () => {
    const result = buildTemplateComponents(imageHeader, {
      header: { media: { id: "9" } },
      buttons: [{ index: 0, text: "SAVE20" }],
    });
    expect(result.ok && result.template.components[1]).toStrictEqual({
      type: "button",
      sub_type: "copy_code",
      index: "0",
      parameters: [{ type: "coupon_code", coupon_code: "SAVE20" }],
    });
  });

  it("fills the OTP button with the body code", () => {
    const result = buildTemplateComponents(otp, { variables: ["482913"] });
    expect(result).toStrictEqual({
      ok: true,
      template: {
        name: "login_code",
        language: { code: "en_US" },
        components: [
          { type: "body", parameters: [{ type: "text", text: "482913" }] },
          { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "482913" }] },
        ],
      },
    });
  });

  describe("rejects what Meta would", () => {
    const cases: [string, TemplateRow, Parameters<typeof buildTemplateComponents>[1], string, number][] = [
      [
        "a missing positional value",
        orderReady,
        { ...orderVars, variables: ["Ana", "#4821"] },
        "variables.3",
        132000,
      ],
      [
        "an extra positional value",
        orderReady,
        { ...orderVars, variables: ["a", "b", "c", "d"] },
        "variables.4",
        132000,
      ],
      [
        "an extra numbered key",
        orderReady,
        { ...orderVars, variables: { "1": "a", "2": "b", "3": "c", "7": "x" } },
        "variables.7",
        132000,
      ],
      [
        "an empty value",
        orderReady,
        { ...orderVars, variables: ["Ana", "  ", "Main St"] },
        "variables.2",
        132000,
      ],
      [
        "a missing named value",
        welcomeNamed,
        { variables: { first_name: "Ana", percent: "5%" } },
        "variables.discount_code",
        132000,
      ],
      [
        "an unknown named value",
        welcomeNamed,
        { variables: { first_name: "A", discount_code: "B", percent: "C", city: "D" } },
        "variables.city",
        132000,
      ],
      [
        "positional values for a NAMED template",
        welcomeNamed,
        { variables: ["Ana", "SPRING", "10%"] },
        "variables",
        132012,
      ],
      [
        "numbered keys for a NAMED template",
        welcomeNamed,
        { variables: { "1": "Ana" } },
        "variables.1",
        132012,
      ],
      [
        "named values for a POSITIONAL template",
        orderReady,
        { ...orderVars, variables: { name: "Ana" } },
        "variables.name",
        132012,
      ],
      ["a missing header text value", orderReady, { variables: ["a", "b", "c"] }, "header.text", 132000],
      [
        "an empty header text value",
        orderReady,
        { variables: ["a", "b", "c"], header: { text: "" } },
        "header.text",
        132000,
      ],
      ["a missing media header", withHeader("IMAGE"), {}, "header.media", 132000],
      ["text for a media header", withHeader("IMAGE"), { header: { text: "hi" } }, "header.text", 132000],
      ["a missing location header", withHeader("LOCATION"), {}, "header.location", 132000],
      ["a header on a template without one", plain, { header: { media: { id: "1" } } }, "header", 132000],
      [
        "header text on a static text header",
        { ...plain, components: [{ type: "HEADER", format: "TEXT", text: "Hi" }] },
        { header: { text: "x" } },
        "header.text",
        132000,
      ],
      ["an unknown header format", withHeader("CAROUSEL"), {}, "header", 132000],
      ["a missing URL suffix", orderReady, orderVars, "buttons.1.text", 132000],
      [
        "an empty URL suffix",
        orderReady,
        { ...orderVars, buttons: [{ index: 1, text: " " }] },
        "buttons.1.text",
        132000,
      ],
      [
        "a value for a static button",
        orderReady,
        {
          ...orderVars,
          buttons: [
            { index: 1, text: "a" },
            { index: 2, text: "x" },
          ],
        },
        "buttons.2.text",
        132000,
      ],
      [
        "a button that doesn't exist",
        orderReady,
        { ...orderVars, buttons: [{ index: 5, text: "a" }] },
        "buttons.5",
        132000,
      ],
      [
        "the same button twice",
        orderReady,
        {
          ...orderVars,
          buttons: [
            { index: 1, text: "a" },
            { index: 1, text: "b" },
          ],
        },
        "buttons.1",
        132000,
      ],
      [
        "text for a quick reply",
        orderReady,
        {
          ...orderVars,
          buttons: [
            { index: 0, text: "x" },
            { index: 1, text: "a" },
          ],
        },
        "buttons.0.payload",
        132000,
      ],
      [
        "an empty quick-reply payload",
        orderReady,
        {
          ...orderVars,
          buttons: [
            { index: 0, payload: "" },
            { index: 1, text: "a" },
          ],
        },
        "buttons.0.payload",
        132000,
      ],
      [
        "a payload for a URL button",
        orderReady,
        { ...orderVars, buttons: [{ index: 1, payload: "x" }] },
        "buttons.1.payload",
        132000,
      ],
      ["a missing coupon code", imageHeader, { header: { media: { id: "9" } } }, "buttons.0.text", 132000],
      ["an OTP template without its code", otp, {}, "variables.1", 132000],
    ];
    it.each(cases)("%s", (_name, template, input, field, code) => {
      const result = buildTemplateComponents(template, input);
      expect(result).toMatchObject({ ok: false, field, code });
      if (!result.ok) expect(result.message).toMatch(/^[A-Z].*\.$/);
    });
  });

  it("rejects a body longer than 1024 characters once filled in (132005)", () => {
    const tpl: TemplateRow = { ...plain, components: [{ type: "BODY", text: `${"x".repeat(1000)} {{1}}` }] };
    expect(buildTemplateComponents(tpl, { variables: ["y".repeat(23)] }).ok).toBe(true); // exactly 1024
    expect(buildTemplateComponents(tpl, { variables: ["y".repeat(24)] })).toStrictEqual({
      ok: false,
      code: 132005,
      field: "variables",
      message: "With these values the message is 1025 characters; the limit is 1024.",
    });
  });

  it("rejects a header longer than 60 characters once filled in (132005)", () => {
    const result = buildTemplateComponents(orderReady, {
      ...orderVars,
      header: { text: "9".repeat(55) },
      buttons: [{ index: 1, text: "a" }],
    });
    expect(result).toMatchObject({ ok: false, code: 132005, field: "header.text" });
  });

  it("checks the parameter format before counting", () => {
    expect(buildTemplateComponents(welcomeNamed, { variables: ["a"] })).toMatchObject({ code: 132012 });
  });
});

describe("normalizeLanguage", () => {
  it.each([
    ["en-US", "en_US"],
    ["en_US", "en_US"],
    ["EN-us", "en_US"],
    ["pt_BR", "pt_BR"],
    ["en", "en"],
    [" es-MX ", "es_MX"],
  ])("%s → %s", (input, output) => {
    expect(normalizeLanguage(input)).toBe(output);
  });
});

describe("renderTemplatePreview", () => {
  it("fills every part from positional values", () => {
    expect(renderTemplatePreview(orderReady, ["Ana", "#4821", "Main St"], { header: "#4821" })).toStrictEqual(
      {
        header: "Order #4821",
        body: "Hi Ana, your order #4821 is ready for pickup at Main St.",
        footer: "Reply STOP to opt out",
        buttons: ["On my way", "Track order", "Call us"],
      },
    );
  });

  it("leaves missing or blank values visible as placeholders", () => {
    expect(renderTemplatePreview(orderReady, ["Ana", ""])).toStrictEqual({
      header: "Order {{1}}",
      body: "Hi Ana, your order {{2}} is ready for pickup at {{3}}.",
      footer: "Reply STOP to opt out",
      buttons: ["On my way", "Track order", "Call us"],
    });
    expect(renderTemplatePreview(orderReady).body).toBe(
      "Hi {{1}}, your order {{2}} is ready for pickup at {{3}}.",
    );
  });

  it("fills named values everywhere they appear, header included", () => {
    expect(renderTemplatePreview(welcomeNamed, { first_name: "Ana", percent: "10%" })).toStrictEqual({
      header: "Hello Ana",
      body: "Your code {{discount_code}} gives 10% off, Ana.",
      buttons: [],
    });
  });

  it("does not map a positional list onto a NAMED template", () => {
    expect(renderTemplatePreview(welcomeNamed, ["Ana"]).body).toBe(
      "Your code {{discount_code}} gives {{percent}} off, {{first_name}}.",
    );
  });

  it("labels media headers and unnamed buttons", () => {
    expect(renderTemplatePreview(imageHeader)).toStrictEqual({
      header: "📷 Image",
      body: "New in store this week.",
      buttons: ["Copy code"],
    });
  });
});
