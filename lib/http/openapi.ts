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
    description: "Authenticate with the browser session (API keys come later).",
  },
  paths: {
    "/api/v1/conversations": {
      get: {
        summary: "List conversations visible to you, newest activity first",
        parameters: [
          { name: "view", in: "query", schema: { enum: ["all", "mine", "unassigned"], default: "all" } },
          { name: "status", in: "query", schema: { enum: ["bot", "open", "snoozed", "resolved"] } },
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
        parameters: [idParam, ...cursorParams],
        responses: {
          "200": { description: "A page", content: { "application/json": { schema: page("Message") } } },
          ...errors,
        },
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
    },
    "/api/v1/media/{id}": {
      get: {
        summary: "A message's media file, if you may read its conversation",
        parameters: [idParam],
        responses: { "200": { description: "The file" }, ...errors },
      },
    },
  },
  components: {
    schemas: {
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
          error: { type: ["object", "null"] },
          author: { type: ["string", "null"] },
          edited: { type: "boolean" },
          revoked: { type: "boolean" },
          reply_to: { type: ["string", "null"] },
        },
      },
    },
  },
} as const;
