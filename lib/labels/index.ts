export {
  createLabel,
  deleteLabel,
  labelInput,
  labelPatch,
  listLabels,
  updateLabel,
  type LabelDto,
} from "./labels";
