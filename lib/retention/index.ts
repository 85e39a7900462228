export { listLegalHolds, listRetention, requestRetentionPurge } from "./admin";
export { pruneSignInAttempts, pruneWebhookDeliveries, type LogPruneResult } from "./logs";
export { purgeExpired, type PurgeResult } from "./purge";
export { legalHoldInput, retentionInput, setLegalHold, setNumberRetention } from "./settings";
export { purgeWebhookEvents, pruneSendRateLimits, type WebhookEventsPurgeResult } from "./webhook-events";
