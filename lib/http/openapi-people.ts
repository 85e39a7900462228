// The people-and-permissions routes' part of openapi.ts: users, teams, custom roles, the permission
// catalogue and API keys (kept apart so the files change independently).

const error = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        field: { type: "string", description: "On a 422: the offending field, e.g. role or team_ids.0" },
      },
      required: ["code", "message"],
    },
  },
};
const json = (schema: unknown) => ({ "application/json": { schema } });
const errors = {
  "401": {
    description: "Not signed in, or the API key is invalid (api_key_invalid), revoked or expired",
    content: json(error),
  },
  "403": { description: "Not allowed", content: json(error) },
  "404": { description: "Not found (or not visible to you)", content: json(error) },
  "422": {
    description: "Invalid input or a field you may not set; the error names it",
    content: json(error),
  },
};
const conflict = { "409": { description: "Conflicts with the current state", content: json(error) } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({
  type: "object",
  properties: { data: { type: "array", items: ref(item) }, next_cursor: { type: ["string", "null"] } },
});
const uuidParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
});
const idParam = uuidParam("id");
const cursorParams = [
  { name: "cursor", in: "query", schema: { type: "string" } },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
];
const body = (schema: unknown) => ({ required: true, content: json(schema) });
const ok = (description: string, schema?: unknown) => ({
  "200": { description, ...(schema ? { content: json(schema) } : {}) },
});
const roleEnum = { enum: ["admin", "supervisor", "agent"] };
const uuid = { type: "string", format: "uuid" };
const strict = { additionalProperties: false };

export const peoplePaths = {
  "/api/v1/users": {
    get: {
      summary: "People (users:read). Without users:manage: active people's name, email, role and teams only",
      parameters: [
        { name: "q", in: "query", schema: { type: "string" }, description: "Name or email contains" },
        { name: "team_id", in: "query", schema: uuid },
        { name: "status", in: "query", schema: { enum: ["active", "disabled", "all"], default: "active" } },
        ...cursorParams,
      ],
      responses: { ...ok("A page", page("User")), ...errors },
    },
    post: {
      summary: "Invite a person (users:manage): returns a one-time initial password, shown only here",
      requestBody: body({
        type: "object",
        ...strict,
        required: ["email", "name"],
        properties: {
          email: { type: "string", format: "email" },
          name: { type: "string", maxLength: 120 },
          role: { ...roleEnum, description: "Required unless custom_role_id is given" },
          custom_role_id: { ...uuid, description: "A custom role; its base role becomes the role" },
          team_ids: { type: "array", items: uuid },
        },
      }),
      responses: {
        "201": {
          description: "Created; must change the password at first sign-in",
          content: json({
            type: "object",
            properties: { user: ref("User"), initial_password: { type: "string" } },
          }),
        },
        ...errors,
        ...conflict,
      },
    },
  },
  "/api/v1/users/{id}": {
    get: {
      summary: "One person",
      parameters: [idParam],
      responses: { ...ok("The person", ref("User")), ...errors },
    },
    patch: {
      summary:
        "Change name, role (built-in or custom) or teams (users:manage). A role change ends the person's sessions; the last active admin cannot be demoted (409)",
      parameters: [idParam],
      requestBody: body({
        type: "object",
        ...strict,
        properties: {
          name: { type: "string" },
          role: roleEnum,
          custom_role_id: { type: ["string", "null"], format: "uuid" },
          team_ids: { type: "array", items: uuid },
        },
      }),
      responses: { ...ok("The person", ref("User")), ...errors, ...conflict },
    },
  },
  "/api/v1/users/{id}/disable": {
    post: {
      summary: "Disable a person and end their sessions (users:manage); 409 for the last active admin",
      parameters: [idParam],
      responses: { ...ok("The person", ref("User")), ...errors, ...conflict },
    },
  },
  "/api/v1/users/{id}/enable": {
    post: {
      summary: "Enable a disabled person (users:manage)",
      parameters: [idParam],
      responses: { ...ok("The person", ref("User")), ...errors },
    },
  },
  "/api/v1/users/{id}/reset-mfa": {
    post: {
      summary: "Remove a person's TOTP and backup codes and end their sessions (users:manage)",
      parameters: [idParam],
      responses: { ...ok("The person", ref("User")), ...errors },
    },
  },
  "/api/v1/teams": {
    get: {
      summary: "Teams (users:read); rosters only for teams you belong to, manage, or administer",
      parameters: cursorParams,
      responses: { ...ok("A page", page("Team")), ...errors },
    },
    post: {
      summary: "Create a team (teams:manage)",
      requestBody: body({
        type: "object",
        ...strict,
        required: ["name"],
        properties: { name: { type: "string" } },
      }),
      responses: { "201": { description: "Created", content: json(ref("Team")) }, ...errors, ...conflict },
    },
  },
  "/api/v1/teams/{id}": {
    get: {
      summary: "One team with its roster",
      parameters: [idParam],
      responses: { ...ok("The team", ref("Team")), ...errors },
    },
    patch: {
      summary: "Rename a team (teams:manage)",
      parameters: [idParam],
      requestBody: body({
        type: "object",
        ...strict,
        required: ["name"],
        properties: { name: { type: "string" } },
      }),
      responses: { ...ok("The team", ref("Team")), ...errors, ...conflict },
    },
    delete: {
      summary: "Delete a team (teams:manage); its conversations become teamless",
      parameters: [idParam],
      responses: { ...ok("Deleted"), ...errors },
    },
  },
  "/api/v1/teams/{id}/members": {
    post: {
      summary:
        "Add a member (teams:manage, or a manager of this team with teams:roster; only teams:manage appoints managers)",
      parameters: [idParam],
      requestBody: body({
        type: "object",
        ...strict,
        required: ["user_id"],
        properties: { user_id: uuid, is_manager: { type: "boolean", default: false } },
      }),
      responses: { "201": { description: "The team", content: json(ref("Team")) }, ...errors, ...conflict },
    },
  },
  "/api/v1/teams/{id}/members/{userId}": {
    patch: {
      summary: "Appoint or remove a team manager (teams:manage)",
      parameters: [idParam, uuidParam("userId")],
      requestBody: body({
        type: "object",
        ...strict,
        required: ["is_manager"],
        properties: { is_manager: { type: "boolean" } },
      }),
      responses: { ...ok("The team", ref("Team")), ...errors },
    },
    delete: {
      summary: "Remove a member (teams:manage, or a manager of this team for plain members)",
      parameters: [idParam, uuidParam("userId")],
      responses: { ...ok("The team", ref("Team")), ...errors },
    },
  },
  "/api/v1/roles": {
    get: {
      summary: "Custom roles (roles:manage, users:manage or api-keys:manage)",
      parameters: cursorParams,
      responses: { ...ok("A page", page("Role")), ...errors },
    },
    post: {
      summary:
        "Create a custom role from the permission catalogue (roles:manage); ingest:apply is never grantable",
      requestBody: body({
        type: "object",
        ...strict,
        required: ["name", "permissions"],
        properties: {
          name: { type: "string", maxLength: 60 },
          description: { type: "string", maxLength: 280 },
          base_role: {
            ...roleEnum,
            default: "agent",
            description: "Sets object scope (which conversations)",
          },
          permissions: { type: "array", items: { type: "string", example: "conversations:read" } },
        },
      }),
      responses: { "201": { description: "Created", content: json(ref("Role")) }, ...errors, ...conflict },
    },
  },
  "/api/v1/roles/{id}": {
    get: {
      summary: "One custom role",
      parameters: [idParam],
      responses: { ...ok("The role", ref("Role")), ...errors },
    },
    patch: {
      summary: "Edit a custom role (roles:manage); a change of rights ends its holders' sessions",
      parameters: [idParam],
      requestBody: body({
        type: "object",
        ...strict,
        properties: {
          name: { type: "string" },
          description: { type: "string" },
          base_role: roleEnum,
          permissions: { type: "array", items: { type: "string" } },
        },
      }),
      responses: { ...ok("The role", ref("Role")), ...errors, ...conflict },
    },
    delete: {
      summary: "Delete a custom role nobody holds (roles:manage); 409 while users or API keys hold it",
      parameters: [idParam],
      responses: { ...ok("Deleted"), ...errors, ...conflict },
    },
  },
  "/api/v1/permissions": {
    get: {
      summary: "The permission catalogue with descriptions and the built-in roles holding each",
      responses: {
        ...ok("The catalogue", {
          type: "object",
          properties: { data: { type: "array", items: ref("Permission") } },
        }),
        ...errors,
      },
    },
  },
  "/api/v1/api-keys": {
    get: {
      summary: "API keys, newest first, by prefix (api-keys:manage); never their secrets",
      parameters: [
        { name: "status", in: "query", schema: { enum: ["active", "all"], default: "all" } },
        ...cursorParams,
      ],
      responses: { ...ok("A page", page("ApiKey")), ...errors },
    },
    post: {
      summary:
        "Create an API key (api-keys:manage). The key (tdm_<prefix>_<secret>) is in this response only; send it as Authorization: Bearer <key>",
      requestBody: body({
        type: "object",
        ...strict,
        required: ["name"],
        properties: {
          name: { type: "string", maxLength: 80 },
          role: { ...roleEnum, description: "Required unless custom_role_id is given" },
          custom_role_id: uuid,
          expires_at: { type: ["string", "null"], format: "date-time" },
        },
      }),
      responses: {
        "201": {
          description: "Created",
          content: json({ type: "object", properties: { api_key: ref("ApiKey"), key: { type: "string" } } }),
        },
        ...errors,
      },
    },
  },
  "/api/v1/api-keys/{id}/revoke": {
    post: {
      summary: "Revoke an API key (api-keys:manage): its next request is a 401 api_key_revoked",
      parameters: [idParam],
      responses: { ...ok("The key", ref("ApiKey")), ...errors },
    },
  },
};

const nullableDate = { type: ["string", "null"], format: "date-time" };
const named = { type: ["object", "null"], properties: { id: uuid, name: { type: "string" } } };

export const peopleSchemas = {
  User: {
    type: "object",
    required: ["id", "name", "email", "role", "teams"],
    description: "Fields after `teams` are present for people admins (users:manage) only",
    properties: {
      id: uuid,
      name: { type: "string" },
      email: { type: "string" },
      role: roleEnum,
      teams: {
        type: "array",
        items: {
          type: "object",
          properties: { id: uuid, name: { type: "string" }, is_manager: { type: "boolean" } },
        },
      },
      custom_role: named,
      status: { enum: ["active", "disabled"] },
      disabled_at: nullableDate,
      mfa_enabled: { type: "boolean" },
      must_change_password: { type: "boolean" },
      last_sign_in_at: nullableDate,
      created_at: { type: "string", format: "date-time" },
    },
  },
  Team: {
    type: "object",
    required: ["id", "name", "member_count"],
    properties: {
      id: uuid,
      name: { type: "string" },
      member_count: { type: "integer" },
      created_at: { type: "string", format: "date-time" },
      members: {
        type: "array",
        items: {
          type: "object",
          properties: {
            user_id: uuid,
            name: { type: "string" },
            email: { type: "string" },
            role: roleEnum,
            is_manager: { type: "boolean" },
            disabled: { type: "boolean" },
          },
        },
      },
      can: {
        type: "object",
        properties: {
          manage: { type: "boolean" },
          edit_roster: { type: "boolean" },
          set_managers: { type: "boolean" },
        },
      },
    },
  },
  Role: {
    type: "object",
    required: ["id", "name", "base_role", "permissions"],
    properties: {
      id: uuid,
      name: { type: "string" },
      description: { type: "string" },
      base_role: roleEnum,
      permissions: { type: "array", items: { type: "string" } },
      user_count: { type: "integer" },
      api_key_count: { type: "integer" },
      created_at: { type: "string", format: "date-time" },
      updated_at: { type: "string", format: "date-time" },
    },
  },
  Permission: {
    type: "object",
    properties: {
      name: { type: "string", example: "conversations:read" },
      resource: { type: "string" },
      action: { type: "string" },
      description: { type: "string" },
      grantable: { type: "boolean" },
      roles: { type: "array", items: roleEnum },
    },
  },
  ApiKey: {
    type: "object",
    required: ["id", "name", "prefix", "role", "status"],
    properties: {
      id: uuid,
      name: { type: "string" },
      prefix: { type: "string" },
      role: roleEnum,
      custom_role: named,
      created_by: named,
      created_at: { type: "string", format: "date-time" },
      expires_at: nullableDate,
      revoked_at: nullableDate,
      last_used_at: nullableDate,
      status: { enum: ["active", "expired", "revoked"] },
    },
  },
};
