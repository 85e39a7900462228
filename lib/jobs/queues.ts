// Queue names, shared by senders (route handlers, verbs) and the worker registry.
export const queues = {
  ingestApply: "ingest.apply",
  ingestRecover: "ingest.recover",
  mediaDownload: "media.download",
  mediaRecover: "media.recover",
} as const;
export type QueueName = (typeof queues)[keyof typeof queues];
