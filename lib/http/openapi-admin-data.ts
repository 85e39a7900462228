// The admin console's data and integrations additions: their part of openapi.ts.
import { errors, idParam, json } from "./openapi-parts";

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
  "/api/v1/webhook-endpoints/{id}/secret": {
    post: {
      summary:
        "Rotate an endpoint's signing secret; the new one is returned once and the old one stops working",
      parameters: [idParam],
      responses: { "200": json("{ id, secret }"), ...errors },
    },
  },
};
