export {
  cannedInput,
  cannedPatch,
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  updateCannedResponse,
  type CannedResponseDto,
} from "./canned-responses";
