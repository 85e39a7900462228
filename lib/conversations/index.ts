export { getConversation } from "./get-conversation";
export { listConversations } from "./list-conversations";
export { listMessages } from "./list-messages";
export { markRead } from "./mark-read";
export { recordInboundMessage, type RecordedMessage } from "./record-inbound-message";
