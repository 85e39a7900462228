export { getBoard, type BoardAgent, type BoardQueue } from "./get-board";
export { reassignAll, reassignAllInput } from "./reassign";
