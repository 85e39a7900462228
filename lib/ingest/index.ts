export { acceptWebhook, type WebhookAck } from "./accept-webhook";
export { applyWebhookEvent, type ApplyOutcome } from "./apply";
export { findStrandedWebhookEvents } from "./recover";
export { replayWebhookEvents, type ReplayProgress } from "./replay";
export { scheduleWebhookApply, storeWebhookEvent } from "./receive";
export { recordWebhookRejection, webhookRejectionCounts } from "./rejections";
