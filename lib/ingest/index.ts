export { acceptWebhook, type WebhookAck } from "./accept-webhook";
export {
  applyNextWebhookBatch,
  applyNextWebhookEvent,
  applyNextWebhookEvents,
  applyWebhookEvent,
  type ApplyOutcome,
} from "./apply";
export { replayWebhookEvents, type ReplayProgress } from "./replay";
export { storeWebhookEvent } from "./receive";
export { recordWebhookRejection, webhookRejectionCounts } from "./rejections";
export { INGEST_CHANNEL, listenForIngestWakeUps, nudgeIngestLanes, setLocalIngestLanes } from "./wake";
