// Bots, handoff and the bot API: their part of openapi.ts.
import { botInput, handoffInput, reorderRulesInput, routingRuleInput } from "@/lib/bots";
import { body, errors as plainErrors, errorsSaying, idParam, json } from "./openapi-parts";

const errors = errorsSaying({
  "401": "Not signed in (or no valid bot token)",
  "404": "Not found, or not yours",
});

const numberParam = {
  name: "numberId",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};
const botAuth = [{ botToken: [] }];

export const botSecuritySchemes = {
  botToken: { type: "http", scheme: "bearer", description: "A bot token: tbot_<prefix>_<secret>" },
};

export const botPaths = {
  "/api/v1/bots": {
    get: {
      summary: "Every number with its bot (numbers:manage)",
      responses: { "200": json("{ data }"), ...errors },
    },
  },
  "/api/v1/bots/{numberId}": {
    put: {
      summary: "Create or update the number's bot: flow or external, on/off, timeout, resume after resolve",
      parameters: [numberParam],
      requestBody: body(botInput),
      responses: { "200": json("The number with its bot"), ...errors },
    },
  },
  "/api/v1/bots/{numberId}/flow": {
    get: {
      summary: "The latest flow version",
      parameters: [numberParam],
      responses: { "200": json("{ version, definition }"), ...errors },
    },
    post: {
      summary: "Publish a new immutable flow version (validated; errors name the node and field)",
      parameters: [numberParam],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { type: "object", properties: { definition: { type: "object" } } } },
        },
      },
      responses: { "201": json("{ version }"), ...errors },
    },
  },
  "/api/v1/bots/{numberId}/token": {
    post: {
      summary: "A new bot API token, shown once",
      parameters: [numberParam],
      responses: { "200": json("{ token }"), ...errors },
    },
  },
  "/api/v1/bots/{numberId}/secret": {
    post: {
      summary:
        "A new secret for signing events to the external bot (X-Tandem-Signature: sha256=HMAC(timestamp.body)), shown once",
      parameters: [numberParam],
      responses: { "200": json("{ secret }"), ...errors },
    },
  },
  "/api/v1/routing-rules": {
    get: {
      summary:
        "Routing rules in the order handoffs try them; the first active match picks the team (teams:manage)",
      responses: { "200": json("{ data }"), ...plainErrors },
    },
    post: {
      summary:
        "Add a rule (goes last): conditions on number, keyword, language, label, collected field or business hours, all of which must hold",
      requestBody: body(routingRuleInput),
      responses: { "201": json("The rule"), ...plainErrors },
    },
  },
  "/api/v1/routing-rules/{id}": {
    put: {
      summary: "Replace a rule's name, team, conditions and on/off (its position stays)",
      parameters: [idParam],
      requestBody: body(routingRuleInput),
      responses: { "200": json("The rule"), ...plainErrors },
    },
    delete: {
      summary: "Delete a rule",
      parameters: [idParam],
      responses: { "200": json("{ ok: true }"), ...plainErrors },
    },
  },
  "/api/v1/routing-rules/reorder": {
    post: {
      summary: "Put the rules in this order (ids must list every rule once)",
      requestBody: body(reorderRulesInput),
      responses: { "200": json("{ data }: the rules in their new order"), ...plainErrors },
    },
  },
  "/api/v1/conversations/{id}/handoff": {
    post: {
      summary: "Move a conversation from the bot to the humans' queue; routing rules pick the team",
      parameters: [idParam],
      requestBody: body(handoffInput),
      responses: { "200": json("{ status, team_id, rule_id }"), ...errors },
    },
  },
  "/api/v1/conversations/{id}/takeover": {
    post: {
      summary: "Take the conversation from the bot: the bot stops at once and it is assigned to you",
      parameters: [idParam],
      responses: { "200": json("{ status, assignee_id }"), ...errors },
    },
  },
  "/api/v1/bot/conversations/{id}/messages": {
    post: {
      summary: "Bot API: answer the customer (same body as agents' sends; Idempotency-Key header optional)",
      security: botAuth,
      parameters: [idParam],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/SendMessage" } } },
      },
      responses: { "201": json("The message"), ...errors },
    },
  },
  "/api/v1/bot/conversations/{id}/handoff": {
    post: {
      summary: "Bot API: hand off to humans with a summary and collected fields",
      security: botAuth,
      parameters: [idParam],
      requestBody: body(handoffInput),
      responses: { "200": json("{ status, team_id, rule_id }"), ...errors },
    },
  },
};
