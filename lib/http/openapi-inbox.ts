// Conversation actions, the timeline, labels, canned responses and notifications: their part of openapi.ts.
// Request bodies are generated from the zod schemas the verbs validate with.
import { cannedInput, cannedPatch } from "@/lib/canned-responses";
import {
  assignInput,
  labelRefInput,
  noteInput,
  priorityInput,
  snoozeInput,
} from "@/lib/conversations/schemas";
import { labelInput, labelPatch } from "@/lib/labels";
import { markNotificationsReadInput } from "@/lib/notifications";
import { availabilityInput, memberCapacityInput, teamRoutingInput } from "@/lib/routing";
import { body, errors, idParam, json } from "./openapi-parts";

const action = (summary: string, requestBody?: ReturnType<typeof body>) => ({
  post: {
    summary,
    parameters: [idParam],
    ...(requestBody ? { requestBody } : {}),
    responses: { "200": json("The conversation's new state for this field"), ...errors },
  },
});

export const inboxPaths = {
  "/api/v1/availability": {
    get: {
      summary: "Your availability and since when",
      responses: { "200": json("{ availability, since }"), ...errors },
    },
    post: {
      summary: "Set your availability; only online agents receive work automatically",
      requestBody: body(availabilityInput),
      responses: { "200": json("{ availability, since }"), ...errors },
    },
  },
  "/api/v1/routing/teams/{id}": {
    get: {
      summary: "A team's routing: policy, waiting count, and each member's availability, load and capacity",
      parameters: [idParam],
      responses: { "200": json("The team's routing"), ...errors },
    },
    patch: {
      summary: "Set the team's assignment policy (teams:manage)",
      parameters: [idParam],
      requestBody: body(teamRoutingInput),
      responses: { "200": json("The team's routing"), ...errors },
    },
  },
  "/api/v1/routing/teams/{id}/members/{userId}": {
    patch: {
      summary: "Set a member's capacity (admins, or the team's managers)",
      parameters: [idParam, { name: "userId", in: "path", required: true, schema: { type: "string" } }],
      requestBody: body(memberCapacityInput),
      responses: { "200": json("The team's routing"), ...errors },
    },
  },
  "/api/v1/conversations/counts": {
    get: {
      summary: "Badge counts: open mine / unassigned / all, bot, snoozed, and open per team",
      responses: {
        "200": json("{ mine, unassigned, all, bot, snoozed, teams: { [teamId]: n } }"),
        ...errors,
      },
    },
  },
  "/api/v1/search": {
    get: {
      summary:
        "Search contacts (name, phone, username, BSUID) and message text within your conversations; matches come as highlight segments",
      parameters: [
        { name: "q", in: "query", required: true, schema: { type: "string", minLength: 2, maxLength: 200 } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 50, default: 20 } },
      ],
      responses: {
        "200": json("{ contacts: [...], messages: [{ ..., highlight: [{ text, hit }] }] }"),
        ...errors,
      },
    },
  },
  "/api/v1/conversations/{id}/assign": action(
    "Assign to a person and/or move to a team. Agents may take unassigned conversations or give back their own; everything else needs conversations:assign. Timeline event + audit row.",
    body(assignInput),
  ),
  "/api/v1/conversations/{id}/resolve": action("Resolve: closes the work cycle"),
  "/api/v1/conversations/{id}/reopen": action("Reopen a resolved or snoozed conversation"),
  "/api/v1/conversations/{id}/snooze": action(
    "Snooze until a time (within 90 days), or until the customer writes again (until: null)",
    body(snoozeInput),
  ),
  "/api/v1/conversations/{id}/priority": action("Set the priority", body(priorityInput)),
  "/api/v1/conversations/{id}/labels": action("Put a label on the conversation", body(labelRefInput)),
  "/api/v1/conversations/{id}/labels/{labelId}": {
    delete: {
      summary: "Take a label off the conversation",
      parameters: [idParam, { name: "labelId", in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": json("Removed (or was not there)"), ...errors },
    },
  },
  "/api/v1/conversations/{id}/notes": {
    post: {
      summary: "Add a private note; mentioned users are notified (they must be able to see the conversation)",
      parameters: [idParam],
      requestBody: body(noteInput),
      responses: { "201": json("The note"), ...errors },
    },
  },
  "/api/v1/conversations/{id}/events": {
    get: {
      summary: "The timeline (assignments, transfers, resolves, snoozes, labels, notes...), newest first",
      parameters: [
        idParam,
        { name: "cursor", in: "query", schema: { type: "string" } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 100 } },
      ],
      responses: { "200": json("{ data: TimelineEvent[], next_cursor }"), ...errors },
    },
  },
  "/api/v1/labels": {
    get: {
      summary: "Every label with its conversation count",
      responses: { "200": json("{ data }"), ...errors },
    },
    post: {
      summary: "Create a label (labels:manage)",
      requestBody: body(labelInput),
      responses: { "201": json("The label"), ...errors },
    },
  },
  "/api/v1/labels/{id}": {
    patch: {
      summary: "Rename or recolour a label",
      parameters: [idParam],
      requestBody: body(labelPatch),
      responses: { "200": json("The label"), ...errors },
    },
    delete: {
      summary: "Delete a label (it comes off every conversation)",
      parameters: [idParam],
      responses: { "200": json("{ ok: true }"), ...errors },
    },
  },
  "/api/v1/canned-responses": {
    get: {
      summary: "Shared canned responses and your own",
      responses: { "200": json("{ data }"), ...errors },
    },
    post: {
      summary: "Create a personal canned response, or a shared one (canned:manage)",
      requestBody: body(cannedInput),
      responses: { "201": json("The canned response"), ...errors },
    },
  },
  "/api/v1/canned-responses/{id}": {
    patch: {
      summary: "Edit your own, or a shared one (canned:manage)",
      parameters: [idParam],
      requestBody: body(cannedPatch),
      responses: { "200": json("The canned response"), ...errors },
    },
    delete: {
      summary: "Delete your own, or a shared one (canned:manage)",
      parameters: [idParam],
      responses: { "200": json("{ ok: true }"), ...errors },
    },
  },
  "/api/v1/notifications": {
    get: {
      summary: "Your notifications (mentions, assignments), newest first, with the unread count",
      parameters: [
        { name: "cursor", in: "query", schema: { type: "integer" } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 30 } },
        { name: "unread", in: "query", schema: { enum: ["true", "false"] } },
      ],
      responses: { "200": json("{ data, next_cursor, unread }"), ...errors },
    },
  },
  "/api/v1/notifications/read": {
    post: {
      summary: "Mark some ({ids}) or all ({all: true}) of your notifications read",
      requestBody: body(markNotificationsReadInput),
      responses: { "200": json("{ marked }"), ...errors },
    },
  },
};
