// The client-safe part of messaging (no I/O): the composer validates and previews with the same code the
// server uses to send.
export { outboundMessageInput, previewText, type OutboundMessageInput } from "./send-payload";
export { renderTemplatePreview, templateVariables, type TemplatePreview } from "./template-params";
