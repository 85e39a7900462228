export { applyTemplateUpdate } from "./apply-template-update";
