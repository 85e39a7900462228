export { deliverMessage, SEND_LEASE_MS, type DeliverOutcome } from "./deliver";
export { markReadOnWhatsApp, requestMarkRead } from "./mark-read";
export { pauseNumberSending, probePausedNumbers, resumeNumberSending } from "./pause";
export { limiterKeys, reserveSlot } from "./rate-limiter";
export {
  sendMessage,
  sendMessageBatch,
  SendRefusedError,
  TooManySendsError,
  type BatchSend,
  type BatchSendOutcome,
  type SendResult,
} from "./send-message";
export { startSendSweep, sweepSends, type SweepResult } from "./sweep";
export { kindFor, uploadFile, type UploadDto } from "./upload";
export { retrySend } from "./retry-send";
export { holdSends, releaseHeldSends, withdrawSends, type WithdrawReason } from "./hold";
