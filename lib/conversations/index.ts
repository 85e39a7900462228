export { applyMessageChange } from "./apply-change";
export { applyReaction } from "./apply-reaction";
export {
  applyStatus,
  applyStatuses,
  CALLBACK_PREFIX,
  touchConversationsInOrder,
  type RaisedMessage,
} from "./apply-status";
export { actOnConversation, type ActionOutcome, type LockedConversation } from "./act";
export { addConversationNote } from "./add-note";
export { assignConversation } from "./assign-conversation";
export { addConversationLabel, removeConversationLabel } from "./conversation-labels";
export { recordFirstResponse, syncCycleOwner } from "./cycles";
export { autoResolveInactive } from "./auto-resolve";
export { countConversations } from "./count-conversations";
export { ensureConversation } from "./ensure-conversation";
export { getConversation } from "./get-conversation";
export { importHistoryChunk, type ImportedThread } from "./import-history";
export { listConversations } from "./list-conversations";
export { listMessages } from "./list-messages";
export { listTimeline } from "./list-timeline";
export { markRead } from "./mark-read";
export { applyEarlyStatuses, recordMessage, type NewMessage, type RecordedMessage } from "./record-message";
export { reopenConversation, resolveConversation } from "./resolve-conversation";
export { setConversationPriority } from "./set-priority";
export { snoozeConversation, wakeSnoozedConversations } from "./snooze-conversation";
export {
  addTimelineEvent,
  touchConversation,
  touchMessages,
  type ConversationTouch,
  type MessagesTouch,
} from "./touch-conversation";
export { selectMessageDto } from "./queries";
export { searchConversations } from "./search";
export { exportTranscript } from "./transcript";
