export { listLegalHolds, listRetention, requestRetentionPurge } from "./admin";
export { pruneSignInAttempts, pruneWebhookDeliveries } from "./logs";
export type { PruneResult } from "./walk";
export { purgeExpired, type PurgeResult } from "./purge";
export { legalHoldInput, retentionInput, setLegalHold, setNumberRetention } from "./settings";
export { purgeWebhookEvents, pruneSendRateLimits } from "./webhook-events";
