import { z } from "zod";
import { outboundMessageInput } from "@/lib/messaging/schemas";
import { auditEntrySchema, auditPaths } from "./openapi-audit";
import { campaignPaths, campaignSchema } from "./openapi-campaigns";
import { inboxPaths } from "./openapi-inbox";
import { slaPaths } from "./openapi-sla";
import { adminDataPaths } from "./openapi-admin-data";
import { botPaths, botSecuritySchemes } from "./openapi-bots";
import { mePaths, meSchemas } from "./openapi-me";
import { peoplePaths, peopleSchemas } from "./openapi-people";
import { connectNumberOperation, numberPaths } from "./openapi-numbers";
// The REST API's description (DESIGN.md Contracts): kept beside the routes it describes; a test checks
// that every route handler under app/api/v1 appears here.
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
const page = (item: string) => ({
  type: "object",
  properties: {
    data: { type: "array", items: { $ref: `#/components/schemas/${item}` } },
    next_cursor: { type: ["string", "null"] },
  },
});
const errors = {
  "401": { description: "Not signed in", content: { "application/json": { schema: error } } },
  "403": { description: "Not allowed", content: { "application/json": { schema: error } } },
  "404": {
    description: "Not found (or not visible to you)",
    content: { "application/json": { schema: error } },
  },
  "422": {
    description: "Invalid input; the message names the field",
    content: { "application/json": { schema: error } },
  },
};
const message = { $ref: "#/components/schemas/Message" };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const cursorParams = [
  { name: "cursor", in: "query", schema: { type: "string" } },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
];

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Tandem REST API",
    version: "0.1.0",
    description: "Authenticate with the browser session or `Authorization: Bearer <api key>`.",
  },
  paths: {
    "/api/v1/conversations": {
      get: {
        summary: "List conversations visible to you, by last activity or longest waiting",
        parameters: [
          {
            name: "view",
            in: "query",
            schema: { enum: ["all", "mine", "unassigned", "bot", "snoozed", "resolved"], default: "all" },
          },
          { name: "status", in: "query", schema: { enum: ["bot", "open", "snoozed", "resolved"] } },
          { name: "team", in: "query", schema: { type: "string", format: "uuid" } },
          {
            name: "assignee",
            in: "query",
            schema: { type: "string", description: "A user id, or none for unassigned" },
          },
          { name: "number", in: "query", schema: { type: "string", format: "uuid" } },
          { name: "label", in: "query", schema: { type: "string", format: "uuid" } },
          { name: "priority", in: "query", schema: { enum: ["low", "normal", "high", "urgent"] } },
          { name: "unread", in: "query", schema: { enum: ["true", "false"] } },
          {
            name: "q",
            in: "query",
            schema: {
              type: "string",
              maxLength: 200,
              description: "Contact name/phone/username/BSUID or message words",
            },
          },
          { name: "sort", in: "query", schema: { enum: ["recent", "waiting"], default: "recent" } },
          ...cursorParams,
        ],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: page("Conversation") } } },
          ...errors,
        },
      },
    },
    "/api/v1/conversations/{id}": {
      get: {
        summary: "One conversation",
        parameters: [idParam],
        responses: { "200": { description: "The conversation" }, ...errors },
      },
    },
    "/api/v1/conversations/{id}/messages": {
      get: {
        summary: "Messages of a conversation, a page at a time from the newest (the page reads oldest first)",
        parameters: [
          idParam,
          {
            name: "cursor",
            in: "query",
            description:
              "A page's next_cursor: the next page holds the messages just older than that page (null: none left)",
            schema: { type: "string" },
          },
          {
            name: "after",
            in: "query",
            description:
              "A message id of this conversation: instead of a page back from the newest, the messages after it, oldest first (what a live client is missing). Not with cursor. next_cursor is then the id to pass as the next after when more remain. 422 when the id is not a message of this conversation",
            schema: { type: "string", format: "uuid" },
          },
          {
            name: "ids",
            in: "query",
            description:
              "Up to 50 comma-separated message ids: just those messages, in thread order, as they are now (what a live client re-reads when conversation.changed names message_ids). Ids of no message of this conversation are absent; next_cursor is null. Not with cursor or after; 422 naming ids when malformed, more than 50 or combined",
            schema: { type: "string" },
          },
          cursorParams[1]!,
        ],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: page("Message") } } },
          ...errors,
        },
      },
      post: {
        summary:
          "Send a message (queued, then sent by the send queue). Free text needs the 24 h window open; outside it, send a template",
        parameters: [
          idParam,
          {
            name: "Idempotency-Key",
            in: "header",
            description:
              "Any 1–200 visible ASCII characters. The same key again returns the first message (200).",
            schema: { type: "string", maxLength: 200 },
          },
        ],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/SendMessage" } } },
        },
        responses: {
          "201": { description: "Queued", content: { "application/json": { schema: message } } },
          "200": {
            description: "Replay of an earlier request with this key",
            content: { "application/json": { schema: message } },
          },
          "409": {
            description: "The Idempotency-Key was used for a different message",
            content: { "application/json": { schema: error } },
          },
          "429": {
            description: "You are sending too fast",
            content: { "application/json": { schema: error } },
          },
          ...errors,
          "422": {
            description:
              "Invalid input (the message names the field), or refused before reaching Meta: window_closed, template_unavailable, marketing_opted_out, no_recipient",
            content: { "application/json": { schema: error } },
          },
        },
      },
    },
    "/api/v1/messages/{id}/retry": {
      post: {
        summary:
          "Send a failed message again when its error offers a retry; the same message goes back to queued",
        parameters: [idParam],
        responses: {
          "200": { description: "Queued again", content: { "application/json": { schema: message } } },
          "409": {
            description: "Not failed, or already accepted by WhatsApp",
            content: { "application/json": { schema: error } },
          },
          ...errors,
        },
      },
    },
    "/api/v1/conversations/{id}/typing": {
      post: {
        summary:
          "Show the customer a typing indicator (and mark their messages read); it clears on reply or after 25 s",
        parameters: [idParam],
        responses: { "200": { description: "Done" }, ...errors },
      },
    },
    "/api/v1/uploads": {
      post: {
        summary:
          "Upload a file to attach to a message: the raw bytes as the body, its type as Content-Type, ?filename=. Returns the id to send as media_id",
        parameters: [{ name: "filename", in: "query", schema: { type: "string" } }],
        requestBody: { required: true, content: { "*/*": { schema: { type: "string", format: "binary" } } } },
        responses: {
          "200": {
            description: "Stored",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    id: { type: "string", format: "uuid" },
                    kind: { enum: ["image", "video", "audio", "document", "sticker"] },
                    mime_type: { type: "string" },
                    filename: { type: ["string", "null"] },
                    size: { type: "integer" },
                  },
                },
              },
            },
          },
          "413": {
            description: "Over WhatsApp's size limit for this kind",
            content: { "application/json": { schema: error } },
          },
          ...errors,
        },
      },
    },
    "/api/v1/numbers/{id}/resume-sending": {
      post: {
        summary:
          "Resume a number whose sending was paused by a token or account error, re-queuing held messages (admins)",
        parameters: [idParam],
        responses: { "200": { description: "How many messages were re-queued" }, ...errors },
      },
    },
    "/api/v1/conversations/{id}/read": {
      post: {
        summary: "Mark the conversation read for everyone",
        parameters: [idParam],
        responses: { "200": { description: "Done" }, ...errors },
      },
    },
    "/api/v1/numbers": {
      get: {
        summary: "Business numbers with Coexistence state and history import progress (admins, supervisors)",
        responses: { "200": { description: "Numbers" }, ...errors },
      },
      post: connectNumberOperation,
    },
    "/api/v1/templates": {
      get: {
        summary: "Message templates, alphabetical; DELETED ones only with status=DELETED (every role)",
        parameters: [
          { name: "waba_id", in: "query", schema: { type: "string" } },
          { name: "status", in: "query", schema: { type: "string", example: "APPROVED" } },
          { name: "category", in: "query", schema: { enum: ["UTILITY", "MARKETING", "AUTHENTICATION"] } },
          { name: "q", in: "query", description: "Part of the name", schema: { type: "string" } },
          ...cursorParams,
        ],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: page("Template") } } },
          ...errors,
        },
      },
      post: {
        summary: "Create a template and submit it to Meta for review (admins); it starts PENDING",
        requestBody: {
          required: true,
          content: { "application/json": { schema: { $ref: "#/components/schemas/TemplateCreate" } } },
        },
        responses: {
          "201": {
            description: "Created, as Meta returned it",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Template" } } },
          },
          "409": {
            description: "A template with this name and language exists",
            content: { "application/json": { schema: error } },
          },
          "502": {
            description: "Meta refused or failed",
            content: { "application/json": { schema: error } },
          },
          ...errors,
        },
      },
    },
    "/api/v1/templates/sync": {
      post: {
        summary: "Pull templates from Meta (admins): one WABA, or every WABA that has a number",
        parameters: [{ name: "waba_id", in: "query", schema: { type: "string" } }],
        responses: {
          "200": {
            description: "Counts; templates Meta no longer has are marked DELETED",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    added: { type: "integer" },
                    updated: { type: "integer" },
                    removed: { type: "integer" },
                    wabas: { type: "array", items: { type: "object" } },
                  },
                },
              },
            },
          },
          "502": {
            description: "Meta refused or failed",
            content: { "application/json": { schema: error } },
          },
          ...errors,
        },
      },
    },
    "/api/v1/templates/{id}": {
      get: {
        summary: "One template",
        parameters: [idParam],
        responses: {
          "200": {
            description: "The template",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Template" } } },
          },
          ...errors,
        },
      },
    },
    "/api/v1/media/{id}": {
      get: {
        summary: "A message's media file, if you may read its conversation",
        parameters: [idParam],
        responses: { "200": { description: "The file" }, ...errors },
      },
    },
    // Campaigns and consent: bulk template sends to opted-in contacts, and the consent record.
    ...campaignPaths,
    // Conversation actions and the timeline, labels, canned responses, notifications.
    ...inboxPaths,
    // SLA policies and business hours.
    ...slaPaths,
    // Bots: configuration, handoff and takeover, and the bot API (bot token).
    ...botPaths,
    // The signed-in person's own sessions and password.
    ...mePaths,
    // People and permissions: users, teams, custom roles, the permission catalogue, API keys.
    ...peoplePaths,
    ...auditPaths,
    // Admin console: retention overview, purge now, legal-hold search, webhook secret rotation.
    ...adminDataPaths,
    // Numbers: connect, settings (throughput, default team, token), Embedded Signup ids.
    ...numberPaths,
  },
  components: {
    securitySchemes: { ...botSecuritySchemes },
    schemas: {
      // Generated from the same zod schema the server validates with, so the two cannot drift.
      SendMessage: z.toJSONSchema(outboundMessageInput, { io: "input", unrepresentable: "any" }),
      Campaign: campaignSchema,
      ...meSchemas,
      ...peopleSchemas,
      AuditEntry: auditEntrySchema,
      Template: {
        type: "object",
        required: ["id", "waba_id", "template_id", "name", "language", "status", "category", "components"],
        properties: {
          id: { type: "string", format: "uuid" },
          waba_id: { type: "string" },
          template_id: { type: "string", description: "Meta's id" },
          name: { type: ["string", "null"] },
          language: { type: ["string", "null"], example: "en_US" },
          status: { type: ["string", "null"], example: "APPROVED" },
          category: { type: ["string", "null"], enum: ["UTILITY", "MARKETING", "AUTHENTICATION", null] },
          quality: { type: ["string", "null"], enum: ["GREEN", "YELLOW", "RED", "UNKNOWN", null] },
          reason: { type: ["string", "null"] },
          parameter_format: { enum: ["POSITIONAL", "NAMED"] },
          components: { type: "array", items: { type: "object" }, description: "As Meta stores them" },
          usage_count: {
            type: "integer",
            description: "Messages sent with this template (failed sends excluded)",
          },
          updated_at: { type: "string", format: "date-time" },
        },
      },
      TemplateCreate: {
        type: "object",
        required: ["name", "language", "category", "components"],
        description:
          "Checked against Meta's rules before it is sent; a 422 names the first bad field and lists all",
        properties: {
          waba_id: { type: "string", description: "Optional when one WABA is connected" },
          name: { type: "string", pattern: "^[a-z0-9_]+$", maxLength: 512 },
          language: { type: "string", example: "en_US" },
          category: { enum: ["UTILITY", "MARKETING", "AUTHENTICATION"] },
          parameter_format: { enum: ["POSITIONAL", "NAMED"], default: "POSITIONAL" },
          components: {
            type: "object",
            required: ["body"],
            properties: {
              header: {
                type: "object",
                description:
                  "{format: TEXT, text (≤60, ≤1 variable), example} or {format: IMAGE|VIDEO|DOCUMENT, handle}",
              },
              body: {
                type: "object",
                required: ["text"],
                properties: {
                  text: { type: "string", maxLength: 1024 },
                  examples: {
                    type: "object",
                    additionalProperties: { type: "string" },
                    description: 'An example per variable: {"1": "Maria"} or {"first_name": "Maria"}',
                  },
                },
              },
              footer: { type: "object", properties: { text: { type: "string", maxLength: 60 } } },
              buttons: {
                type: "array",
                maxItems: 10,
                items: {
                  type: "object",
                  required: ["type", "text"],
                  properties: {
                    type: { enum: ["QUICK_REPLY", "URL", "PHONE_NUMBER"] },
                    text: { type: "string", maxLength: 25 },
                    url: { type: "string", description: "URL buttons; one variable, at the end" },
                    example: { type: "string", description: "URL buttons with a variable" },
                    phone_number: { type: "string" },
                  },
                },
              },
            },
          },
        },
      },
      Conversation: {
        type: "object",
        required: [
          "id",
          "status",
          "contact",
          "number",
          "last_message_at",
          "unread_count",
          "window_expires_at",
        ],
        properties: {
          id: { type: "string", format: "uuid" },
          status: { enum: ["bot", "open", "snoozed", "resolved"] },
          contact: { type: "object" },
          number: { type: "object" },
          last_message_at: { type: ["string", "null"], format: "date-time" },
          unread_count: { type: "integer" },
          window_expires_at: { type: ["string", "null"], format: "date-time" },
        },
      },
      Message: {
        type: "object",
        required: [
          "id",
          "wamid",
          "conversation_id",
          "direction",
          "source",
          "type",
          "text",
          "timestamp",
          "status",
          "error",
          "author",
          "edited",
          "revoked",
          "reply_to",
        ],
        properties: {
          id: { type: "string", format: "uuid" },
          wamid: { type: ["string", "null"] },
          conversation_id: { type: "string", format: "uuid" },
          direction: { enum: ["inbound", "outbound"] },
          source: { enum: ["customer", "agent", "bot", "campaign", "business_app", "history", "system"] },
          type: { type: "string" },
          text: { type: ["string", "null"] },
          timestamp: {
            type: "string",
            format: "date-time",
            description: "Meta's timestamp, never the receive time",
          },
          status: { enum: ["queued", "sent", "delivered", "read", "played", "failed", null] },
          error: {
            type: ["object", "null"],
            description: "Why it failed, in plain words; `action` is what the inbox offers",
            properties: {
              code: { type: "string", description: "Meta's error code" },
              title: { type: "string" },
              hint: { type: "string" },
              retryable: { type: "boolean", description: "The queue retries it by itself" },
              action: { enum: ["retry", "template", "reconnect", "none"] },
            },
          },
          author: { type: ["string", "null"] },
          edited: { type: "boolean" },
          revoked: { type: "boolean" },
          reply_to: { type: ["string", "null"] },
        },
      },
    },
  },
} as const;
