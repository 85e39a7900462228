// Business numbers (admin console): connect, settings, Embedded Signup ids. Its part of openapi.ts.
import {
  connectNumberInput,
  embeddedSignupInput,
  signupSettingsInput,
  updateNumberInput,
} from "@/lib/numbers/schemas";
import { body, errors, idParam, json } from "./openapi-parts";

const numberDto = json(
  "A number: { id, waba_id, phone_number_id, display_number, coexistence, coexistence_state, coexistence_reason, " +
    "last_app_activity_at, app_inactivity_days_left, history: { state, phase, progress, counts }, contact_sync_at, " +
    "send_rate_limit, effective_send_rate, sending_paused, default_team_id, has_access_token, access_token_set_at, " +
    "bot, alerts }. The token itself is never returned.",
);

/** POST /api/v1/numbers, added to the GET entry that openapi.ts already has for the path. */
export const connectNumberOperation = {
  summary:
    "Connect a number by hand with Meta's ids and an optional token (stored encrypted, write-only); audited (numbers:manage)",
  requestBody: body(connectNumberInput),
  responses: { "201": numberDto, ...errors },
};

export const numberPaths = {
  "/api/v1/numbers/{id}": {
    get: {
      summary: "One number as admins see it (numbers:read)",
      parameters: [idParam],
      responses: { "200": numberDto, ...errors },
    },
    patch: {
      summary:
        "Change display number, throughput (messages/s for the send limiter; null = Meta's default), default team or token; audited (numbers:manage)",
      parameters: [idParam],
      requestBody: body(updateNumberInput),
      responses: { "200": numberDto, ...errors },
    },
  },
  "/api/v1/numbers/embedded-signup": {
    post: {
      summary:
        "Finish Meta's Embedded Signup: the server exchanges the browser's code for the business token (app id setting + " +
        "META_APP_SECRET), subscribes the app to the WABA, and connects the number with the token sealed; audited " +
        "(numbers:manage). 422 names Meta's reason for a refused code; 409 when Embedded Signup is not configured; " +
        "502 when Meta cannot be reached.",
      requestBody: body(embeddedSignupInput),
      responses: { "201": numberDto, ...errors },
    },
  },
  "/api/v1/numbers/signup-settings": {
    get: {
      summary: "Embedded Signup's Meta app id and login configuration id (null when not configured)",
      responses: { "200": json("{ app_id, config_id }"), ...errors },
    },
    put: {
      summary: "Set Embedded Signup's app id and configuration id; audited (numbers:manage)",
      requestBody: body(signupSettingsInput),
      responses: { "200": json("{ app_id, config_id }"), ...errors },
    },
  },
};
