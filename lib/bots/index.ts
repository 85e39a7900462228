export { botFromAuthorization, deliverToExternalBot, verifyBotSignature, type BotEvent } from "./external";
export { handoffConversation, handoffInput, type HandoffInput } from "./handoff";
export {
  botInput,
  generateBotSecret,
  generateBotToken,
  getLatestFlow,
  listBots,
  publishFlow,
  upsertBot,
  type BotDto,
  type BotRow,
} from "./manage";
export { pauseBotForHuman, type BotPauseReason } from "./pause";
export { pickTeam, type RoutingFacts, type RuleConditions } from "./rules";
export { scheduleBotRun } from "./schedule";
export { botReplyTimedOut, runBot, sendAsBot } from "./step";
export { takeOverConversation } from "./takeover";
export { authenticateBot, botHandoff, botSend } from "./bot-api";
export {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  reorderRoutingRules,
  reorderRulesInput,
  routingRuleInput,
  updateRoutingRule,
  type RoutingRuleDto,
  type RoutingRuleInput,
} from "./manage-rules";
