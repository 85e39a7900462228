// Stored templates (Meta's GET message_templates shape, PROTOCOL.md §10) → the variables they need, a
// live preview, and the `template` object of a send (§6). Checks what Meta would reject, before sending.

export type TemplateRow = {
  name: string;
  language: string;
  category: string | null;
  status: string | null;
  /** Meta's components array as stored; parsed defensively because it is whatever Meta sent. */
  components: unknown;
  parameter_format?: "POSITIONAL" | "NAMED" | null;
};

type TemplateShape = Pick<TemplateRow, "components" | "parameter_format">;

export type TemplateVar = { key: string; example?: string };

export type HeaderFormat = "TEXT" | "IMAGE" | "VIDEO" | "DOCUMENT" | "LOCATION";

export type ParameterFormat = "POSITIONAL" | "NAMED";

export type TemplateVariables = {
  header: TemplateVar[];
  body: TemplateVar[];
  /** Every button, by its index in the BUTTONS component; `vars` is empty when it takes no value. */
  buttons: { index: number; type: string; vars: TemplateVar[] }[];
  headerFormat: HeaderFormat | null;
  parameterFormat: ParameterFormat;
};

/** A media header already resolved to Meta: an uploaded media id or a public https link. */
export type TemplateMediaRef = { id: string } | { link: string };

export type TemplateLocation = { latitude: number; longitude: number; name?: string; address?: string };

export type TemplateSendInput = {
  /** `string[]` or `{"1": …}` for POSITIONAL templates, `{first_name: …}` for NAMED ones. */
  variables?: Record<string, string> | string[];
  header?: { text?: string; media?: TemplateMediaRef; filename?: string; location?: TemplateLocation };
  /** `payload` for quick replies; `text` for a URL suffix, a coupon code or a one-time code. */
  buttons?: { index: number; payload?: string; text?: string }[];
};

export type BuiltTemplate = { name: string; language: { code: string }; components: unknown[] };

export type BuildTemplateResult =
  | { ok: true; template: BuiltTemplate }
  | { ok: false; field: string; code: 132000 | 132012 | 132005; message: string };

export type TemplatePreview = { header?: string; body: string; footer?: string; buttons: string[] };

const BODY_MAX = 1024;
const HEADER_TEXT_MAX = 60;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const HEADER_FORMATS: readonly HeaderFormat[] = ["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"];
const COUPON_KEY = "coupon_code";
const MEDIA_LABELS: Record<Exclude<HeaderFormat, "TEXT">, string> = {
  IMAGE: "📷 Image",
  VIDEO: "🎥 Video",
  DOCUMENT: "📄 Document",
  LOCATION: "📍 Location",
};

export function templateVariables(template: TemplateShape): TemplateVariables {
  const parsed = parseTemplate(template);
  return {
    header: parsed.header?.vars ?? [],
    body: parsed.body?.vars ?? [],
    buttons: parsed.buttons.map(({ index, type, vars }) => ({ index, type, vars })),
    headerFormat: parsed.header?.format ?? null,
    parameterFormat: parsed.parameterFormat,
  };
}

export function checkTemplateSendable(
  template: Pick<TemplateRow, "status">,
): { ok: true } | { ok: false; code: 132001 | 132015 | 132016; message: string } {
  const status = (template.status ?? "").toUpperCase();
  if (status === "APPROVED") return { ok: true };
  if (status === "PAUSED")
    return { ok: false, code: 132015, message: "WhatsApp paused this template; choose another one." };
  if (status === "DISABLED")
    return { ok: false, code: 132016, message: "WhatsApp disabled this template; choose another one." };
  const shown = status ? status.toLowerCase().replaceAll("_", " ") : "not synced";
  return {
    ok: false,
    code: 132001,
    message: `This template is ${shown}, not approved; only approved templates can be sent.`,
  };
}

export function buildTemplateComponents(
  template: TemplateRow,
  input: TemplateSendInput,
): BuildTemplateResult {
  const parsed = parseTemplate(template);
  const named = parsed.parameterFormat === "NAMED";
  const values = readVariables(input.variables, parsed.parameterFormat);
  if (!values.ok) return values;
  const variables = values.map;
  const components: unknown[] = [];

  const header = buildHeader(parsed, input.header, variables);
  if (!header.ok) return header;
  if (header.component) components.push(header.component);

  // Header values may come from `variables` on NAMED templates, so they are not "extra" there.
  const headerKeys = named ? new Set((parsed.header?.vars ?? []).map((v) => v.key)) : new Set<string>();
  const bodyVars = parsed.body?.vars ?? [];
  const bodyKeys = new Set(bodyVars.map((v) => v.key));
  for (const key of variables.keys()) {
    if (!bodyKeys.has(key) && !headerKeys.has(key))
      return fail(132000, `variables.${key}`, `The template has no {{${key}}} placeholder.`);
  }
  const bodyParams: Record<string, string>[] = [];
  for (const { key } of bodyVars) {
    const value = variables.get(key);
    if (value === undefined) return fail(132000, `variables.${key}`, `A value for {{${key}}} is missing.`);
    if (!value.trim()) return fail(132000, `variables.${key}`, `The value for {{${key}}} is empty.`);
    bodyParams.push(textParam(value, named ? key : undefined));
  }
  if (parsed.body) {
    const hydrated = substitute(parsed.body.text, (key) => variables.get(key));
    if (hydrated.length > BODY_MAX)
      return fail(
        132005,
        "variables",
        `With these values the message is ${hydrated.length} characters; the limit is ${BODY_MAX}.`,
      );
  }
  if (bodyParams.length) components.push({ type: "body", parameters: bodyParams });

  const buttons = buildButtons(parsed, input.buttons ?? [], variables);
  if (!buttons.ok) return buttons;
  components.push(...buttons.components);

  return {
    ok: true,
    template: { name: template.name, language: { code: normalizeLanguage(template.language) }, components },
  };
}

export function renderTemplatePreview(
  template: TemplateShape,
  variables?: Record<string, string> | string[],
  options: { header?: string } = {},
): TemplatePreview {
  const parsed = parseTemplate(template);
  const lookup = previewLookup(variables, parsed.parameterFormat);
  const preview: TemplatePreview = {
    body: parsed.body ? substitute(parsed.body.text, lookup) : "",
    buttons: parsed.buttons.map((button) => button.text ?? titleCase(button.type)),
  };
  const header = parsed.header;
  if (header?.format === "TEXT") {
    const headerValue = (key: string) =>
      nonBlank(options.header) ?? (parsed.parameterFormat === "NAMED" ? lookup(key) : undefined);
    preview.header = substitute(header.text, headerValue);
  } else if (header) {
    preview.header = MEDIA_LABELS[header.format];
  }
  if (parsed.footer) preview.footer = parsed.footer;
  return preview;
}

/** Meta's examples print `en-US`; the send API wants `en_US`. */
export function normalizeLanguage(language: string): string {
  const [lang = "", region, ...rest] = language.trim().split(/[-_]/);
  if (!region) return lang.toLowerCase();
  return [lang.toLowerCase(), region.length === 2 ? region.toUpperCase() : region, ...rest].join("_");
}

// ---------------------------------------------------------------------------------------------------------

type ParsedButton = {
  index: number;
  type: string;
  text?: string;
  /** The URL before `{{1}}`, for URL buttons with a dynamic suffix. */
  urlPrefix?: string;
  vars: TemplateVar[];
};

type ParsedTemplate = {
  header: { format: HeaderFormat; text: string; vars: TemplateVar[] } | null;
  /** A HEADER whose format we don't know: sending it would be a guess. */
  unknownHeader: string | null;
  body: { text: string; vars: TemplateVar[] } | null;
  footer: string | null;
  buttons: ParsedButton[];
  parameterFormat: ParameterFormat;
};

type Failure = Extract<BuildTemplateResult, { ok: false }>;

function parseTemplate(template: TemplateShape): ParsedTemplate {
  const components = Array.isArray(template.components) ? template.components.filter(isRecord) : [];
  const find = (type: string) => components.find((c) => str(c.type)?.toUpperCase() === type);
  const headerRaw = find("HEADER");
  const bodyRaw = find("BODY");
  const footerRaw = find("FOOTER");
  const buttonsRaw = find("BUTTONS");

  const headerText = str(headerRaw?.text) ?? "";
  const bodyText = str(bodyRaw?.text) ?? "";
  const parameterFormat: ParameterFormat =
    template.parameter_format ??
    ([...placeholders(headerText), ...placeholders(bodyText)].some((key) => !/^\d+$/.test(key))
      ? "NAMED"
      : "POSITIONAL");

  let header: ParsedTemplate["header"] = null;
  let unknownHeader: string | null = null;
  if (headerRaw) {
    const format = (str(headerRaw.format) ?? "TEXT").toUpperCase();
    if (isHeaderFormat(format)) {
      const vars =
        format === "TEXT"
          ? withExamples(placeholders(headerText), parameterFormat, headerRaw.example, "header")
          : [];
      header = { format, text: headerText, vars };
    } else {
      unknownHeader = format;
    }
  }

  const body = bodyRaw
    ? { text: bodyText, vars: withExamples(placeholders(bodyText), parameterFormat, bodyRaw.example, "body") }
    : null;

  const rawButtons = Array.isArray(buttonsRaw?.buttons) ? buttonsRaw.buttons : [];
  const buttons = rawButtons.map((raw, index): ParsedButton => {
    const button = isRecord(raw) ? raw : {};
    const type = (str(button.type) ?? "UNKNOWN").toUpperCase();
    const parsedButton: ParsedButton = { index, type, text: str(button.text), vars: [] };
    if (type === "URL") {
      const url = str(button.url) ?? "";
      const at = url.search(/\{\{/);
      if (at >= 0) {
        parsedButton.urlPrefix = url.slice(0, at);
        const example = firstString(button.example);
        const suffix = example?.startsWith(parsedButton.urlPrefix)
          ? example.slice(parsedButton.urlPrefix.length)
          : example;
        parsedButton.vars = [{ key: placeholders(url)[0] ?? "1", ...(suffix ? { example: suffix } : {}) }];
      }
    } else if (type === "COPY_CODE") {
      const example = firstString(button.example);
      parsedButton.vars = [{ key: COUPON_KEY, ...(example ? { example } : {}) }];
    }
    // OTP buttons take the one-time code, which buildButtons copies from body {{1}}: nothing to ask for.
    return parsedButton;
  });

  return {
    header,
    unknownHeader,
    body,
    footer: str(footerRaw?.text) ?? null,
    buttons,
    parameterFormat,
  };
}

function buildHeader(
  parsed: ParsedTemplate,
  input: TemplateSendInput["header"],
  variables: Map<string, string>,
): { ok: true; component?: unknown } | Failure {
  if (parsed.unknownHeader)
    return fail(132000, "header", `Headers of type ${parsed.unknownHeader} can't be sent from Tandem yet.`);
  const header = parsed.header;
  const given = input ?? {};
  if (!header) {
    if (given.text !== undefined || given.media || given.location)
      return fail(132000, "header", "This template has no header.");
    return { ok: true };
  }
  if (header.format !== "TEXT" && given.text !== undefined)
    return fail(132000, "header.text", "This template's header is not text.");
  if (header.format === "TEXT") {
    if (given.media || given.location) return fail(132000, "header", "This template's header is text.");
    if (!header.vars.length) {
      if (given.text !== undefined)
        return fail(132000, "header.text", "This template's header has no placeholder.");
      return { ok: true };
    }
    const [headerVar] = header.vars;
    const key = headerVar!.key;
    const value = given.text ?? (parsed.parameterFormat === "NAMED" ? variables.get(key) : undefined);
    if (value === undefined)
      return fail(132000, "header.text", `A value for the header's {{${key}}} is missing.`);
    if (!value.trim()) return fail(132000, "header.text", `The value for the header's {{${key}}} is empty.`);
    const hydrated = substitute(header.text, () => value);
    if (hydrated.length > HEADER_TEXT_MAX)
      return fail(
        132005,
        "header.text",
        `With this value the header is ${hydrated.length} characters; the limit is ${HEADER_TEXT_MAX}.`,
      );
    const parameter = textParam(value, parsed.parameterFormat === "NAMED" ? key : undefined);
    return { ok: true, component: { type: "header", parameters: [parameter] } };
  }
  if (header.format === "LOCATION") {
    if (given.media) return fail(132000, "header.media", "This template's header is a location.");
    if (!given.location)
      return fail(132000, "header.location", "This template needs a location for its header.");
    const { latitude, longitude, name, address } = given.location;
    const location = { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
    return { ok: true, component: { type: "header", parameters: [{ type: "location", location }] } };
  }
  const kind = header.format.toLowerCase();
  if (given.location) return fail(132000, "header.location", `This template's header is a ${kind}.`);
  if (!given.media) return fail(132000, "header.media", `This template needs a ${kind} for its header.`);
  const media: Record<string, string> =
    "id" in given.media ? { id: given.media.id } : { link: given.media.link };
  if (header.format === "DOCUMENT" && given.filename) media.filename = given.filename;
  return { ok: true, component: { type: "header", parameters: [{ type: kind, [kind]: media }] } };
}

function buildButtons(
  parsed: ParsedTemplate,
  input: NonNullable<TemplateSendInput["buttons"]>,
  variables: Map<string, string>,
): { ok: true; components: unknown[] } | Failure {
  const byIndex = new Map<number, (typeof input)[number]>();
  for (const given of input) {
    const field = `buttons.${given.index}`;
    if (!parsed.buttons[given.index])
      return fail(132000, field, `The template has no button ${given.index}.`);
    if (byIndex.has(given.index)) return fail(132000, field, `Button ${given.index} is given twice.`);
    byIndex.set(given.index, given);
  }
  const components: unknown[] = [];
  for (const button of parsed.buttons) {
    const given = byIndex.get(button.index);
    const field = `buttons.${button.index}`;
    const index = String(button.index);
    if (button.type === "QUICK_REPLY") {
      if (given?.text !== undefined) return fail(132000, `${field}.payload`, "Quick replies take a payload.");
      if (given?.payload === undefined) continue;
      if (!given.payload.trim()) return fail(132000, `${field}.payload`, "The payload is empty.");
      components.push(buttonComponent("quick_reply", index, { type: "payload", payload: given.payload }));
      continue;
    }
    const takesText = button.vars.length > 0 || button.type === "OTP";
    if (given?.payload !== undefined)
      return fail(132000, `${field}.payload`, `A ${buttonLabel(button)} button takes no payload.`);
    if (!takesText) {
      if (given?.text !== undefined)
        return fail(132000, `${field}.text`, `The ${buttonLabel(button)} button takes no value.`);
      continue;
    }
    // Authentication templates repeat the one-time code (body {{1}}) in their button.
    const value = given?.text ?? (button.type === "OTP" ? variables.get("1") : undefined);
    if (value === undefined)
      return fail(132000, `${field}.text`, `A value for the ${buttonLabel(button)} button is missing.`);
    if (!value.trim())
      return fail(132000, `${field}.text`, `The value for the ${buttonLabel(button)} button is empty.`);
    components.push(
      button.type === "COPY_CODE"
        ? buttonComponent("copy_code", index, { type: "coupon_code", coupon_code: value })
        : buttonComponent("url", index, { type: "text", text: value }),
    );
  }
  return { ok: true, components };
}

function readVariables(
  given: TemplateSendInput["variables"],
  format: ParameterFormat,
): { ok: true; map: Map<string, string> } | Failure {
  const map = new Map<string, string>();
  if (given === undefined) return { ok: true, map };
  if (Array.isArray(given)) {
    if (format === "NAMED" && given.length)
      return fail(132012, "variables", "This template uses named variables; send them as an object.");
    given.forEach((value, i) => map.set(String(i + 1), value));
    return { ok: true, map };
  }
  for (const [key, value] of Object.entries(given)) {
    const positional = /^\d+$/.test(key);
    if (format === "NAMED" && positional)
      return fail(132012, `variables.${key}`, "This template uses named variables, not numbered ones.");
    if (format === "POSITIONAL" && !positional)
      return fail(132012, `variables.${key}`, "This template uses numbered variables, not named ones.");
    map.set(positional ? String(Number(key)) : key, value);
  }
  return { ok: true, map };
}

function previewLookup(
  variables: Record<string, string> | string[] | undefined,
  format: ParameterFormat,
): (key: string) => string | undefined {
  if (!variables) return () => undefined;
  if (Array.isArray(variables))
    return (key) => (format === "POSITIONAL" ? nonBlank(variables[Number(key) - 1]) : undefined);
  return (key) => nonBlank(variables[key]);
}

/** Replaces each placeholder with its value; a missing or blank value leaves `{{key}}` visible. */
function substitute(text: string, value: (key: string) => string | undefined): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => nonBlank(value(key)) ?? whole);
}

/** Distinct placeholder keys: numeric order for positional, first appearance for named. */
function placeholders(text: string): string[] {
  const keys = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
  return keys.every((key) => /^\d+$/.test(key)) ? keys.sort((a, b) => Number(a) - Number(b)) : keys;
}

function withExamples(
  keys: string[],
  format: ParameterFormat,
  example: unknown,
  part: "header" | "body",
): TemplateVar[] {
  const ex = isRecord(example) ? example : {};
  const named = new Map<string, string>();
  const namedList = ex[`${part}_text_named_params`];
  if (Array.isArray(namedList)) {
    for (const item of namedList.filter(isRecord)) {
      const name = str(item.param_name);
      const value = str(item.example);
      if (name && value !== undefined) named.set(name, value);
    }
  }
  // body_text is [[…]] (one row of examples); header_text is a flat list.
  const rawPositional = ex[`${part}_text`];
  const positional = Array.isArray(rawPositional)
    ? part === "body" && Array.isArray(rawPositional[0])
      ? (rawPositional[0] as unknown[])
      : rawPositional
    : [];
  return keys.map((key) => {
    const example =
      format === "NAMED" ? named.get(key) : (str(positional[Number(key) - 1]) ?? named.get(key));
    return example === undefined ? { key } : { key, example };
  });
}

function textParam(text: string, name?: string): Record<string, string> {
  return name ? { type: "text", parameter_name: name, text } : { type: "text", text };
}

function buttonComponent(subType: string, index: string, parameter: Record<string, string>): unknown {
  return { type: "button", sub_type: subType, index, parameters: [parameter] };
}

function buttonLabel(button: ParsedButton): string {
  return button.text ? `"${button.text}"` : button.type.toLowerCase().replaceAll("_", " ");
}

function fail(code: Failure["code"], field: string, message: string): Failure {
  return { ok: false, code, field, message };
}

function isHeaderFormat(value: string): value is HeaderFormat {
  return (HEADER_FORMATS as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function firstString(value: unknown): string | undefined {
  return Array.isArray(value) ? str(value[0]) : str(value);
}

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() ? value : undefined;
}

function titleCase(type: string): string {
  const words = type.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
