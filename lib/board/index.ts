export { getBoard } from "./get-board";
export { reassignAll } from "./reassign";
export {
  reassignAllInput,
  type Board,
  type BoardAgent,
  type BoardConversation,
  type BoardQueue,
  type ReassignAllInput,
  type ReassignAllResult,
} from "./schemas";
