// The audit log routes' part of openapi.ts (kept apart so the files change independently).

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
  "422": {
    description: "Invalid input; the message names the field",
    content: { "application/json": { schema: error } },
  },
};
const filters = [
  {
    name: "actor",
    in: "query",
    schema: { type: "string" },
    description: "A user id or a system actor's name",
  },
  {
    name: "action",
    in: "query",
    schema: { type: "string" },
    description: "Action prefix: `campaign.` matches campaign.started, campaign.paused…",
  },
  { name: "entity_type", in: "query", schema: { type: "string" } },
  { name: "entity_id", in: "query", schema: { type: "string" } },
  { name: "from", in: "query", schema: { type: "string", format: "date-time" }, description: "Inclusive" },
  { name: "to", in: "query", schema: { type: "string", format: "date-time" }, description: "Exclusive" },
];

export const auditEntrySchema = {
  type: "object",
  required: ["id", "at", "actor_type", "action", "entity_type", "hash"],
  properties: {
    id: { type: "integer", description: "Position in the hash chain" },
    at: { type: "string", format: "date-time" },
    actor_type: { enum: ["user", "system"] },
    actor_id: { type: ["string", "null"] },
    actor_name: { type: ["string", "null"], description: "The user's name, or the system actor's" },
    action: { type: "string", example: "campaign.started" },
    entity_type: { type: "string" },
    entity_id: { type: ["string", "null"] },
    data: { description: "What changed (any JSON)" },
    hash: { type: "string", description: "sha256 over the previous row's hash and this row" },
  },
};

const verifyResult = {
  type: "object",
  required: ["ok", "rows", "duration_ms"],
  properties: {
    ok: { type: "boolean" },
    rows: { type: "integer", description: "Rows verified (before the break, when broken)" },
    lastId: { type: ["integer", "null"], description: "The head of an intact chain" },
    brokenAt: { type: "integer", description: "The first broken row's id" },
    reason: {
      enum: ["hash_mismatch", "prev_hash_mismatch", "rows_missing", "anchor_mismatch", "anchor_missing"],
    },
    detail: { type: "string" },
    lastIntactId: { type: ["integer", "null"] },
    duration_ms: { type: "integer" },
  },
};

export const auditPaths = {
  "/api/v1/audit": {
    get: {
      summary: "The audit log, newest first, filtered (audit:read)",
      parameters: [
        ...filters,
        { name: "cursor", in: "query", schema: { type: "string" } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: {
        "200": {
          description: "A page",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: {
                  data: { type: "array", items: { $ref: "#/components/schemas/AuditEntry" } },
                  next_cursor: { type: ["string", "null"] },
                },
              },
            },
          },
        },
        ...errors,
      },
    },
  },
  "/api/v1/audit/export": {
    get: {
      summary: "The filtered audit log as CSV, streamed (audit:export); the export itself is audited",
      description:
        "Columns: id, at, actor_type, actor_id, actor_name, action, entity_type, entity_id, data (JSON), hash. Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with an apostrophe.",
      parameters: filters,
      responses: {
        "200": { description: "CSV", content: { "text/csv": { schema: { type: "string" } } } },
        ...errors,
      },
    },
  },
  "/api/v1/audit/verify": {
    post: {
      summary: "Re-verify the whole hash chain and its anchor (audit:export, admins); may take a while",
      responses: {
        "200": {
          description: "Intact, or the first broken row and why",
          content: { "application/json": { schema: verifyResult } },
        },
        "409": {
          description: "A verification is already running",
          content: { "application/json": { schema: error } },
        },
        ...errors,
      },
    },
  },
};
