// The admin console's data and integrations additions: their part of openapi.ts.
import { createAttributeInput, setAttributesInput, updateAttributeInput } from "@/lib/contacts";
import { body, errors, idParam, json } from "./openapi-parts";

export const adminDataPaths = {
  "/api/v1/retention": {
    get: {
      summary:
        "Every number with its retention period (days, null = forever) and the last purge that removed anything",
      responses: { "200": json("{ data: [{ id, display_number, retention_days, last_purge }] }"), ...errors },
    },
  },
  "/api/v1/retention/purge": {
    post: {
      summary: "Queue the retention purge now instead of at the next hourly run; audited",
      responses: { "202": json("{ queued }"), ...errors },
    },
  },
  "/api/v1/legal-holds": {
    get: {
      summary:
        "Contacts under legal hold or with a held conversation; with q, contacts whose name or phone contains it; each with their conversations",
      parameters: [{ name: "q", in: "query", schema: { type: "string", maxLength: 100 } }],
      responses: { "200": json("{ data: [{ contact, conversations }] }"), ...errors },
    },
  },
  "/api/v1/contact-attributes": {
    get: {
      summary:
        "Custom contact attribute definitions in panel order; archived ones only with include_archived=true",
      parameters: [{ name: "include_archived", in: "query", schema: { enum: ["true", "false"] } }],
      responses: {
        "200": json("{ data: [{ id, key, label, type, options, position, archived, created_at }] }"),
        ...errors,
      },
    },
    post: {
      summary:
        "Define an attribute (contacts:manage): key (slug, from the label when left out), label, type text|number|date|boolean|select, options for a select; audited",
      requestBody: body(createAttributeInput),
      responses: {
        "201": json("{ id, key, label, type, options, position, archived, created_at }"),
        ...errors,
      },
    },
  },
  "/api/v1/contact-attributes/{id}": {
    patch: {
      summary:
        "Rename, change a select's options, move to a position, archive or restore (contacts:manage); key and type are fixed; audited",
      parameters: [idParam],
      requestBody: body(updateAttributeInput),
      responses: { "200": json("the definition"), ...errors },
    },
    delete: {
      summary: "Archive (contacts:manage): hidden from the contact panel and CSV, values kept; audited",
      parameters: [idParam],
      responses: { "200": json("the definition, archived"), ...errors },
    },
  },
  "/api/v1/contacts/{id}/attributes": {
    put: {
      summary:
        "Set or clear (null) a contact's attribute values, each checked against its type (422 names attributes.<key>); whoever may reply in one of its conversations; audited",
      parameters: [idParam],
      requestBody: body(setAttributesInput),
      responses: { "200": json("{ id, attributes }"), ...errors },
    },
  },
  "/api/v1/webhook-endpoints/{id}/secret": {
    post: {
      summary:
        "Rotate an endpoint's signing secret; the new one is returned once and the old one stops working",
      parameters: [idParam],
      responses: { "200": json("{ id, secret }"), ...errors },
    },
  },
};
