export { applyTemplateUpdate } from "./apply-template-update";
export { createTemplate } from "./create-template";
export { getTemplate } from "./get-template";
export { listTemplates } from "./list-templates";
export { syncTemplates } from "./sync-templates";
