export { addNumber } from "./add-number";
export {
  applyAccountUpdate,
  recordAppActivity,
  recordHistoryDeclined,
  recordHistoryProgress,
} from "./coexistence";
export { findNumberByMetaId, listNumbers, type PhoneNumber } from "./queries";
