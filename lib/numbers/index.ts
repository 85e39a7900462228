export { addNumber } from "./add-number";
export {
  applyAccountUpdate,
  recordAppActivity,
  recordHistoryDeclined,
  recordHistoryProgress,
} from "./coexistence";
export { listNumbersForAdmin } from "./list-numbers";
export { findNumberByMetaId, listNumbers, type PhoneNumber } from "./queries";
