// Building blocks the OpenAPI path files share: request bodies generated from the zod schemas the verbs
// validate with, and the error responses every route can give.
import { z } from "zod";

export const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

export const body = (s: z.ZodType) => ({
  required: true,
  content: { "application/json": { schema: jsonSchema(s) } },
});

export const json = (description: string) => ({ description, content: { "application/json": {} } });

const error = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
      required: ["code", "message"],
    },
  },
};
const reply = (description: string) => ({ description, content: { "application/json": { schema: error } } });

export const errors = {
  "401": reply("Not signed in"),
  "403": reply("Not allowed"),
  "404": reply("Not found, or outside your teams"),
  "409": reply("Conflicts with the current state"),
  "422": reply("Invalid input; names the field"),
};

/** The same errors with a route's own wording for some statuses (e.g. what 401 means on the bot API). */
export const errorsSaying = (overrides: Partial<Record<keyof typeof errors, string>>) => ({
  ...errors,
  ...Object.fromEntries(Object.entries(overrides).map(([status, text]) => [status, reply(text)])),
});

export const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
