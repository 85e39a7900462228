// The signed-in person's own account: who am I, my sessions, sign out everywhere, change my password.
// Browser sessions only (an API key gets 403); state changes need a same-origin request.

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
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: error } },
});
const errors = {
  "401": errorResponse("Not signed in, or the session has ended (revoked, idle, expired, user disabled)"),
  "403": errorResponse(
    "Not a browser session, a cross-site request, or `mfa_enrollment_required` / `password_change_required`",
  ),
};
const json = (schema: unknown) => ({ "application/json": { schema } });

export const meSchemas = {
  Me: {
    type: "object",
    required: ["id", "email", "name", "role", "session_id", "mfa_enabled"],
    properties: {
      id: { type: "string", format: "uuid" },
      email: { type: "string" },
      name: { type: "string" },
      role: { enum: ["admin", "supervisor", "agent"] },
      session_id: { type: "string", format: "uuid" },
      mfa_enabled: { type: "boolean" },
      password_changed_at: { type: ["string", "null"], format: "date-time" },
    },
  },
  Session: {
    type: "object",
    required: ["id", "current", "device", "created_at", "last_seen_at", "expires_at"],
    properties: {
      id: { type: "string", format: "uuid" },
      current: { type: "boolean", description: "The session making this request" },
      ip: { type: ["string", "null"] },
      user_agent: { type: ["string", "null"] },
      device: { type: "string", description: 'e.g. "Chrome on Linux"' },
      created_at: { type: "string", format: "date-time" },
      last_seen_at: { type: "string", format: "date-time", description: "Updated at most once a minute" },
      expires_at: {
        type: "string",
        format: "date-time",
        description: "Absolute timeout (12 h after sign-in)",
      },
    },
  },
};

export const mePaths = {
  "/api/v1/me": {
    get: {
      summary: "The person and session behind this request",
      responses: {
        "200": { description: "Me", content: json({ $ref: "#/components/schemas/Me" }) },
        ...errors,
      },
    },
  },
  "/api/v1/me/sessions": {
    get: {
      summary: "My live sessions (not revoked, expired or idle for 30 min), most recently active first",
      responses: {
        "200": {
          description: "Sessions",
          content: json({
            type: "object",
            properties: { data: { type: "array", items: { $ref: "#/components/schemas/Session" } } },
          }),
        },
        ...errors,
      },
    },
  },
  "/api/v1/me/sessions/{id}/revoke": {
    post: {
      summary: "End one of my sessions (its open pages lose access and their sockets drop within seconds)",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
      responses: {
        "200": {
          description: "Ended",
          content: json({
            type: "object",
            properties: { id: { type: "string" }, current: { type: "boolean" } },
          }),
        },
        "404": errorResponse("No such live session of yours"),
        ...errors,
      },
    },
  },
  "/api/v1/me/sign-out-everywhere": {
    post: {
      summary: "End all my sessions, this one included",
      responses: {
        "200": {
          description: "Ended",
          content: json({ type: "object", properties: { ended: { type: "integer" } } }),
        },
        ...errors,
      },
    },
  },
  "/api/v1/me/password": {
    post: {
      summary: "Change my password (my other sessions end)",
      description:
        "The new password needs 12–256 characters, must not be a common password or contain the email's local part. " +
        "Wrong current passwords count towards sign-in throttling.",
      requestBody: {
        required: true,
        content: json({
          type: "object",
          required: ["current_password", "new_password"],
          properties: {
            current_password: { type: "string" },
            new_password: { type: "string", minLength: 12, maxLength: 256 },
          },
        }),
      },
      responses: {
        "200": {
          description: "Changed",
          content: json({ type: "object", properties: { other_sessions_ended: { type: "integer" } } }),
        },
        "422": errorResponse(
          "Wrong current password, or the new one fails the policy (the message says why)",
        ),
        ...errors,
      },
    },
  },
};
