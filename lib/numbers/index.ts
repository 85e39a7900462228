export { addNumber } from "./add-number";
export {
  addHistoryChunk,
  applyAccountUpdate,
  recordAppActivity,
  recordContactSync,
  recordHistoryDeclined,
  recordHistoryProgress,
  type HistoryAdded,
  type HistoryProgress,
} from "./coexistence";
export { connectNumber } from "./connect-number";
export { connectWithEmbeddedSignup } from "./embedded-signup";
export { getNumberForAdmin, listNumbersForAdmin } from "./list-numbers";
export { findNumberByMetaId, listNumbers, type PhoneNumber } from "./queries";
export { getSignupSettings, setSignupSettings } from "./signup-settings";
export { openNumberToken } from "./token";
export { updateNumber } from "./update-number";
