// SLA policies and business hours: their part of openapi.ts.
import { z } from "zod";
import { reassignAllInput } from "@/lib/board";
import { mergeContactsInput } from "@/lib/contacts";
import { csatSettingsInput } from "@/lib/csat/schemas";
import { endpointInput } from "@/lib/integrations";
import { reportInput } from "@/lib/reports";
import { legalHoldInput, retentionInput } from "@/lib/retention";
import { businessHoursInput, slaPolicyInput } from "@/lib/sla";
import { body, errors, idParam, json } from "./openapi-parts";

const reportParams = Object.entries(
  (z.toJSONSchema(reportInput, { io: "input" }) as { properties: Record<string, object> }).properties,
).map(([name, schema]) => ({ name, in: "query", required: name === "from" || name === "to", schema }));

export const slaPaths = {
  "/api/v1/csat/settings": {
    get: {
      summary:
        "The CSAT survey's settings and the approved templates it may use outside the 24 h window (settings:manage)",
      responses: { "200": json("{ enabled, question, button_labels, template_id, templates }"), ...errors },
    },
    put: {
      summary:
        "Switch the CSAT survey on or off, set its question, three button labels and out-of-window template; audited (settings:manage)",
      requestBody: body(csatSettingsInput),
      responses: { "200": json("{ enabled, question, button_labels, template_id, templates }"), ...errors },
    },
  },
  "/api/v1/webhook-endpoints": {
    get: {
      summary: "Outbound webhook endpoints with pending and failed counts",
      responses: { "200": json("{ data }"), ...errors },
    },
    post: {
      summary:
        "Add an endpoint; events are POSTed with X-Tandem-Signature: sha256=HMAC(secret, timestamp.body); the secret is returned once",
      requestBody: body(endpointInput),
      responses: { "201": json("{ id, secret }"), ...errors },
    },
  },
  "/api/v1/webhook-endpoints/{id}": {
    patch: {
      summary: "Edit an endpoint",
      parameters: [idParam],
      requestBody: body(endpointInput.partial()),
      responses: { "200": json("The endpoint"), ...errors },
    },
    delete: {
      summary: "Remove an endpoint and its log",
      parameters: [idParam],
      responses: { "200": json("{ ok: true }"), ...errors },
    },
  },
  "/api/v1/webhook-endpoints/{id}/deliveries": {
    get: {
      summary: "The delivery log, newest first (status: pending, delivered, failed)",
      parameters: [
        idParam,
        { name: "cursor", in: "query", schema: { type: "string" } },
        { name: "status", in: "query", schema: { type: "string" } },
      ],
      responses: { "200": json("{ data, next_cursor }"), ...errors },
    },
  },
  "/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver": {
    post: {
      summary: "Send a delivery again now",
      parameters: [idParam, { name: "deliveryId", in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": json("{ ok: true }"), ...errors },
    },
  },
  "/api/v1/contacts": {
    get: {
      summary: "Contacts with a conversation you may see (q: name, phone, username or BSUID), newest first",
      parameters: [
        { name: "q", in: "query", schema: { type: "string" } },
        { name: "cursor", in: "query", schema: { type: "string" } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
        {
          name: "attr.{key}",
          in: "query",
          schema: { type: "string" },
          description:
            "attr.<key>=<value>: only contacts whose custom attribute equals the value, read as the attribute's type (25 for a number, 2026-01-31 for a date, yes/no, an option); repeat for several, all must hold. An unknown or archived attribute or a bad value is a 422 naming attr.<key>",
        },
      ],
      responses: { "200": json("{ data: Contact[], next_cursor }"), ...errors },
    },
  },
  "/api/v1/contacts/{id}": {
    get: {
      summary:
        "A contact: ids, names (address-book first), aliases (earlier phones and BSUIDs) and your conversations with them",
      parameters: [idParam],
      responses: { "200": json("The contact"), ...errors },
    },
  },
  "/api/v1/contacts/{id}/merge": {
    post: {
      summary:
        "Merge this contact into another of the same account (contacts:manage); its ids become aliases",
      parameters: [idParam],
      requestBody: body(mergeContactsInput),
      responses: { "200": json("The surviving contact"), ...errors },
    },
  },
  "/api/v1/numbers/{id}/contacts/export": {
    get: {
      summary: "The account's contacts as CSV, streamed (contacts:manage); audited",
      parameters: [idParam],
      responses: { "200": { description: "text/csv" }, ...errors },
    },
  },
  "/api/v1/numbers/{id}/contacts/import": {
    post: {
      summary: "Import contacts from CSV (header: phone, name); bad lines are reported by number; audited",
      parameters: [idParam],
      requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
      responses: { "200": json("{ created, updated, errors: [{ line, message }] }"), ...errors },
    },
  },
  "/api/v1/conversations/{id}/transcript": {
    get: {
      summary: "The conversation as a plain-text transcript (messages and private notes); audited",
      parameters: [idParam],
      responses: { "200": { description: "text/plain" }, ...errors },
    },
  },
  "/api/v1/numbers/{id}/retention": {
    put: {
      summary: "Set how many days a number's messages and media are kept (null = forever); purged hourly",
      parameters: [idParam],
      requestBody: body(retentionInput),
      responses: { "200": json("{ number_id, retention_days }"), ...errors },
    },
  },
  "/api/v1/conversations/{id}/legal-hold": {
    put: {
      summary: "Put a conversation under legal hold (retention never purges it) or lift it",
      parameters: [idParam],
      requestBody: body(legalHoldInput),
      responses: { "200": json("{ id, legal_hold }"), ...errors },
    },
  },
  "/api/v1/contacts/{id}/legal-hold": {
    put: {
      summary: "Put a contact under legal hold (none of their conversations is purged) or lift it",
      parameters: [idParam],
      requestBody: body(legalHoldInput),
      responses: { "200": json("{ id, legal_hold }"), ...errors },
    },
  },
  "/api/v1/board": {
    get: {
      summary:
        "The supervisor's live board: queues per team and number (waiting, longest wait, SLA at risk/breached, bot, open, snoozed) and agents (availability, load vs capacity, open, last activity), and the open conversations (waiting first, at most 300) for reassigning. Live: a socket that emits `board.join` receives `board.changed` nudges (at most one per 500 ms)",
      responses: { "200": json("{ queues, agents, conversations, conversations_truncated }"), ...errors },
    },
  },
  "/api/v1/board/reassign": {
    post: {
      summary:
        "Move all of an agent's open conversations (within the caller's teams) to another agent or back to the queue; each move and the bulk action are audited",
      requestBody: body(reassignAllInput),
      responses: { "200": json("{ moved, refused }"), ...errors },
    },
  },
  "/api/v1/reports": {
    get: {
      summary:
        "Report for a date range: volume by day and source (history excluded), first response / resolution / handle time, reopen rate and SLA compliance per group, bot containment",
      parameters: reportParams,
      responses: {
        "200": json(
          "The report: { volume, totals, rows, overall (every cycle once), csat { overall, rows by key }: answered, avg and positive_rate on the 1-3 scale, bots }",
        ),
        ...errors,
      },
    },
  },
  "/api/v1/reports/export": {
    get: {
      summary: "The report's rows as CSV",
      parameters: reportParams,
      responses: { "200": { description: "text/csv" }, ...errors },
    },
  },
  "/api/v1/sla-policies": {
    get: { summary: "SLA policies", responses: { "200": json("{ data }"), ...errors } },
    post: {
      summary: "Create an SLA policy (settings:manage); the most specific active one applies",
      requestBody: body(slaPolicyInput),
      responses: { "201": json("The policy"), ...errors },
    },
  },
  "/api/v1/sla-policies/{id}": {
    put: {
      summary: "Replace an SLA policy",
      parameters: [idParam],
      requestBody: body(slaPolicyInput),
      responses: { "200": json("The policy"), ...errors },
    },
    delete: {
      summary: "Delete an SLA policy",
      parameters: [idParam],
      responses: { "200": json("{ ok: true }"), ...errors },
    },
  },
  "/api/v1/business-hours": {
    get: {
      summary: "Business hours (time zone, weekly ranges, holidays)",
      responses: { "200": json("{ data }"), ...errors },
    },
    post: {
      summary: "Create business hours (settings:manage)",
      requestBody: body(businessHoursInput),
      responses: { "201": json("The hours"), ...errors },
    },
  },
  "/api/v1/business-hours/{id}": {
    put: {
      summary: "Replace business hours",
      parameters: [idParam],
      requestBody: body(businessHoursInput),
      responses: { "200": json("The hours"), ...errors },
    },
  },
};
