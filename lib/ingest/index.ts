export { acceptWebhook, type WebhookAck } from "./accept-webhook";
export { applyNextWebhookEvent, applyWebhookEvent, type ApplyOutcome } from "./apply";
export { replayWebhookEvents, type ReplayProgress } from "./replay";
export { storeWebhookEvent } from "./receive";
export { recordWebhookRejection, webhookRejectionCounts } from "./rejections";
