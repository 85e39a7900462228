// The campaign and consent routes' part of openapi.ts (kept apart so the two files change independently).

import { ATTRIBUTE_OPS } from "@/lib/contacts/schemas";

const error = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" } },
      required: ["code", "message"],
    },
  },
};
const errors = {
  "401": { description: "Not signed in", content: { "application/json": { schema: error } } },
  "403": { description: "Not allowed", content: { "application/json": { schema: error } } },
  "404": { description: "Not found", content: { "application/json": { schema: error } } },
  "422": {
    description: "Invalid input; the message names the field",
    content: { "application/json": { schema: error } },
  },
};
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const cursorParams = [
  { name: "cursor", in: "query", schema: { type: "string" } },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 25 } },
];
const page = {
  type: "object",
  properties: {
    data: { type: "array", items: { $ref: "#/components/schemas/Campaign" } },
    next_cursor: { type: ["string", "null"] },
  },
};

const campaign = { $ref: "#/components/schemas/Campaign" };
const campaignBody = {
  type: "object",
  required: ["name", "number_id", "template_id", "segment"],
  properties: {
    name: { type: "string", maxLength: 120 },
    number_id: { type: "string", format: "uuid" },
    template_id: { type: "string", format: "uuid", description: "An APPROVED template of the number's WABA" },
    variables: {
      type: "object",
      additionalProperties: { type: "string" },
      description:
        "Template variable → value; values may use contact fields: {{contact.name}}, {{contact.first_name}}, {{contact.phone}}, {{contact.username}}, with a fallback as {{contact.first_name|there}}",
    },
    header: { type: "object", description: "{link} for a media header, {text} for a text header's variable" },
    buttons: { type: "array", items: { type: "object" } },
    segment: {
      type: "object",
      additionalProperties: false,
      description:
        "Who receives it: everyone with a conversation on the number, a team's, a label's (conversations on the number carrying it) or listed contacts; then the filters. Only contacts with opt-in for the template's category are sent to.",
      properties: {
        source: { enum: ["number", "team", "label", "contacts"], default: "number" },
        team_id: { type: "string", format: "uuid", description: "Required when source is team" },
        label_id: { type: "string", format: "uuid", description: "Required when source is label" },
        contact_ids: { type: "array", items: { type: "string", format: "uuid" }, maxItems: 10000 },
        last_inbound_within_days: { type: "integer", minimum: 1, maximum: 3650 },
        has_phone: { type: "boolean" },
        exclude_label_id: {
          type: "string",
          format: "uuid",
          description: "Leaves out contacts whose conversation on the number carries this label",
        },
        attributes: {
          type: "array",
          maxItems: 20,
          description:
            "Conditions on custom contact attributes, all must hold, e.g. plan eq Pro and seats gt 10. Operators by type: text/select eq, neq, in; number/date eq, neq, gt, lt; boolean eq, neq; all is_set, not_set. neq also matches contacts without a value. An unknown or archived attribute, an operator that does not fit or a value of the wrong type is a 422 naming segment.attributes.<i>.key|op|value",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["key", "op"],
            properties: {
              key: { type: "string", description: "An active attribute's key" },
              op: { enum: [...ATTRIBUTE_OPS] },
              value: {
                description:
                  "Typed as the attribute: a number, a YYYY-MM-DD date, true/false, an option; a list for in; none for is_set/not_set",
              },
            },
          },
        },
      },
    },
    scheduled_at: { type: ["string", "null"], format: "date-time" },
  },
};
const campaignVerb = (summary: string) => ({
  post: {
    summary,
    parameters: [idParam],
    responses: {
      "200": { description: "The campaign", content: { "application/json": { schema: campaign } } },
      "409": {
        description: "Not allowed in the campaign's state",
        content: { "application/json": { schema: error } },
      },
      ...errors,
    },
  },
});
const estimate = {
  description:
    "Recipients, skipped contacts by reason (no_opt_in, opted_out, no_recipient, missing_variable) and an ESTIMATED cost by country from a dated excerpt of Meta's rate card (rates_as_of)",
  content: { "application/json": { schema: { type: "object" } } },
};

export const campaignPaths = {
  "/api/v1/campaigns": {
    get: {
      summary: "Campaigns, newest first, with live progress (admins, supervisors)",
      parameters: [
        {
          name: "state",
          in: "query",
          schema: { enum: ["draft", "scheduled", "running", "paused", "completed", "cancelled"] },
        },
        ...cursorParams,
      ],
      responses: {
        "200": { description: "A page", content: { "application/json": { schema: page } } },
        ...errors,
      },
    },
    post: {
      summary: "Create a draft campaign (it sends nothing until started)",
      requestBody: { required: true, content: { "application/json": { schema: campaignBody } } },
      responses: {
        "201": { description: "Created", content: { "application/json": { schema: campaign } } },
        ...errors,
      },
    },
  },
  "/api/v1/campaigns/estimate": {
    post: {
      summary: "Estimate a campaign before creating it (nothing is stored)",
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: { "200": estimate, ...errors },
    },
  },
  "/api/v1/campaigns/audiences": {
    get: {
      summary: "Segments the wizard offers for a number: everyone on it, per team and per label",
      parameters: [
        { name: "number_id", in: "query", required: true, schema: { type: "string", format: "uuid" } },
      ],
      responses: { "200": { description: "Counts" }, ...errors },
    },
  },
  "/api/v1/campaigns/{id}": {
    get: {
      summary: "One campaign with its progress (counts per recipient state, from the messages' receipts)",
      parameters: [idParam],
      responses: {
        "200": { description: "The campaign", content: { "application/json": { schema: campaign } } },
        ...errors,
      },
    },
  },
  "/api/v1/campaigns/{id}/estimate": {
    get: {
      summary: "Estimate a saved campaign as its segment stands now",
      parameters: [idParam],
      responses: { "200": estimate, ...errors },
    },
  },
  "/api/v1/campaigns/{id}/report": {
    get: {
      summary: "Outcome: counts, delivery/read/reply/failure rates, failures by error code, per country",
      parameters: [idParam],
      responses: { "200": { description: "The report" }, ...errors },
    },
  },
  "/api/v1/campaigns/{id}/start": {
    post: {
      ...campaignVerb(
        "Start now, or schedule with {scheduled_at}; starting a running campaign again changes nothing",
      ).post,
      requestBody: {
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: { scheduled_at: { type: ["string", "null"], format: "date-time" } },
            },
          },
        },
      },
    },
  },
  "/api/v1/campaigns/{id}/pause": campaignVerb(
    "Stop queuing further recipients (already queued messages still go)",
  ),
  "/api/v1/campaigns/{id}/resume": campaignVerb("Carry on from the next pending recipient"),
  "/api/v1/campaigns/{id}/cancel": campaignVerb(
    "End the campaign; recipients not queued yet are skipped as cancelled",
  ),
  "/api/v1/contacts/{id}/consent": {
    get: {
      summary: "A contact's consent: current state per category, WhatsApp's own preference, history",
      parameters: [idParam],
      responses: { "200": { description: "The consent record" }, ...errors },
    },
    post: {
      summary:
        "Record an opt-in or opt-out (every role, for contacts they can see), with an optional reason; audited",
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["state"],
              properties: {
                category: { enum: ["marketing", "utility", "authentication", "all"], default: "marketing" },
                state: { enum: ["opt_in", "opt_out"] },
                source: { enum: ["agent", "import", "api", "campaign_reply"] },
                reason: { type: "string", maxLength: 500 },
                at: { type: "string", format: "date-time" },
              },
            },
          },
        },
      },
      responses: { "201": { description: "The consent record after the change" }, ...errors },
    },
  },
  "/api/v1/consent/keywords": {
    get: {
      summary: "STOP/START keywords in force: built-in multilingual defaults plus admin rows",
      responses: { "200": { description: "Keywords" }, ...errors },
    },
    post: {
      summary: "Add a keyword, or switch one (a default too) on or off with {keyword, state, enabled}",
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: { "200": { description: "Keywords" }, ...errors },
    },
  },
  "/api/v1/consent/keywords/{keyword}": {
    delete: {
      summary:
        "Delete an added keyword, or restore a changed built-in one to its default (409 for a built-in without changes); audited",
      parameters: [{ name: "keyword", in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": { description: "Keywords" }, ...errors },
    },
  },
};

export const campaignSchema = {
  type: "object",
  required: ["id", "name", "state", "number", "template", "segment", "progress"],
  properties: {
    id: { type: "string", format: "uuid" },
    name: { type: "string" },
    state: { enum: ["draft", "scheduled", "running", "paused", "completed", "cancelled"] },
    number: { type: "object" },
    template: { type: "object" },
    segment: { type: "object" },
    scheduled_at: { type: ["string", "null"], format: "date-time" },
    progress: {
      type: "object",
      description:
        "Recipients per state: pending, queued, sent, delivered, read, replied, failed, skipped (+ skipped_by_reason)",
    },
  },
};
