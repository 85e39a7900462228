export { addNumber } from "./add-number";
export { findNumberByMetaId, listNumbers, type PhoneNumber } from "./queries";
