// Queue names, shared by senders (route handlers, verbs) and the worker registry.
export const queues = {
  mediaDownload: "media.download",
  mediaRecover: "media.recover",
  messageSend: "message.send",
  messageMarkRead: "message.mark-read",
  campaignRun: "campaign.run",
  campaignTick: "campaign.tick",
  snoozeWake: "conversation.wake-snoozed",
  routingTick: "routing.tick",
  botStep: "bot.step",
  botTimeout: "bot.timeout",
  slaTick: "sla.tick",
  volumeRollup: "reports.volume-rollup",
  retentionPurge: "retention.purge",
  webhookEventsPurge: "retention.webhook-events",
  csatSurvey: "csat.survey",
} as const;
export type QueueName = (typeof queues)[keyof typeof queues];
