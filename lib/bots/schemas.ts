// The client-safe part of bots: the flow format, interpreter and validator (the admin UI simulates flows
// in the browser), business hours, and the shapes of the bots REST API. Nothing here does I/O.

export type * from "./flow/types";
export {
  businessHoursSchema,
  flowDefinitionSchema,
  flowStateSchema,
  FIELD_NAME,
  HHMM,
  NODE_ID,
  WEEKDAYS,
} from "./flow/schemas";
export { initialFlowState, matchOption, stepFlow, validateAnswer } from "./flow/step";
export { issuesAt, successors, validateFlow } from "./flow/validate";
export { LIMITS, languageReplyId, nodeMessages } from "./flow/messages";
export { DEFAULT_FLOW } from "./flow/default-flow";
export { defaultLanguage, pickText } from "./flow/text";
export { isOpen, isValidTimeZone, type Hours } from "./business-hours";
// Routing rules as the REST API returns them (types only: the admin pages share them with the server).
export type { RuleConditions } from "./rules";
export type { RoutingRuleDto } from "./manage-rules";

/** GET /api/v1/bots → { data: BotListItem[] }: every business number, with its bot if it has one. */
export type BotListItem = {
  number_id: string;
  display_number: string;
  bot: BotDto | null;
};

export type BotDto = {
  id: string;
  name: string;
  kind: "flow" | "external";
  active: boolean;
  published_version: number | null;
  external_url: string | null;
  reply_timeout_seconds: number;
  resume_after_resolve: boolean;
  /** Whether a secret / token exists (they are shown once, when generated, and never again). */
  has_secret: boolean;
  has_token: boolean;
  token_prefix: string | null;
};

/** PUT /api/v1/bots/{numberId} body. */
export type BotUpsertInput = {
  name: string;
  kind: "flow" | "external";
  active: boolean;
  external_url?: string | null;
  reply_timeout_seconds?: number;
  resume_after_resolve?: boolean;
};

/** GET /api/v1/bots/{numberId}/flow → latest published version (404 when none yet). */
export type FlowVersionDto = { version: number; definition: unknown };
