import type { ReactNode } from "react";
import { fillVariables, type TemplateComponent } from "@/lib/templates/schemas";

export type PreviewModel = {
  header?: { format: "TEXT"; text: string; example?: string } | { format: "IMAGE" | "VIDEO" | "DOCUMENT" };
  body: string;
  /** Example per variable name; variables without one stay visible as `{{name}}`. */
  examples: Record<string, string>;
  footer?: string;
  buttons: { type: string; text: string }[];
};

const mediaLabel = { IMAGE: "🖼 Image", VIDEO: "▶ Video", DOCUMENT: "📄 Document" } as const;
const buttonIcon: Record<string, string> = { QUICK_REPLY: "↩", URL: "↗", PHONE_NUMBER: "📞" };

/** A template as the customer will see it: a WhatsApp bubble with examples in place of the variables. */
export function TemplatePreview({ model }: { model: PreviewModel }) {
  const header = model.header;
  return (
    <div data-testid="template-preview" className="rounded-lg bg-[#efeae2] p-4">
      <div className="max-w-xs">
        <div className="rounded-lg rounded-tl-none bg-white px-2.5 pb-1.5 pt-2 text-[14px] text-slate-900 shadow-sm">
          {header?.format === "TEXT" && header.text && (
            <p data-testid="preview-header" className="mb-1 font-semibold">
              {rich(
                fillVariables(header.text, header.example ? { [firstVar(header.text)]: header.example } : {}),
              )}
            </p>
          )}
          {header && header.format !== "TEXT" && (
            <div
              data-testid="preview-header"
              className="mb-2 flex h-28 items-center justify-center rounded bg-slate-200 text-sm text-slate-500"
            >
              {mediaLabel[header.format]}
            </div>
          )}
          <p data-testid="preview-body" className="whitespace-pre-wrap break-words">
            {model.body ? (
              rich(fillVariables(model.body, model.examples))
            ) : (
              <span className="text-slate-400">Body text</span>
            )}
          </p>
          {model.footer && (
            <p data-testid="preview-footer" className="mt-1 text-[13px] text-slate-500">
              {model.footer}
            </p>
          )}
          <p className="mt-0.5 text-right text-[11px] text-slate-400">12:00</p>
        </div>
        {model.buttons.length > 0 && (
          <div className="mt-1 space-y-1">
            {model.buttons.map((button, i) => (
              <div
                key={i}
                data-testid="preview-button"
                className="rounded-lg bg-white py-2 text-center text-[14px] font-medium text-sky-600 shadow-sm"
              >
                <span aria-hidden className="mr-1">
                  {buttonIcon[button.type] ?? ""}
                </span>
                {button.text || "Button"}
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** The preview of a stored template, with the examples it was submitted with. */
export function previewFromComponents(components: TemplateComponent[]): PreviewModel {
  const model: PreviewModel = { body: "", examples: {}, buttons: [] };
  for (const c of components) {
    const type = c.type.toUpperCase();
    if (type === "HEADER") {
      const format = (c.format ?? "TEXT").toUpperCase();
      if (format === "TEXT") {
        const ex = c.example as
          { header_text?: string[]; header_text_named_params?: { example?: string }[] } | undefined;
        model.header = {
          format: "TEXT",
          text: c.text ?? "",
          example: ex?.header_text?.[0] ?? ex?.header_text_named_params?.[0]?.example,
        };
      } else if (format === "IMAGE" || format === "VIDEO" || format === "DOCUMENT") model.header = { format };
    } else if (type === "BODY") {
      model.body = c.text ?? "";
      const ex = c.example as
        | { body_text?: string[][]; body_text_named_params?: { param_name?: string; example?: string }[] }
        | undefined;
      ex?.body_text?.[0]?.forEach((value, i) => (model.examples[String(i + 1)] = value));
      for (const p of ex?.body_text_named_params ?? [])
        if (p.param_name && p.example) model.examples[p.param_name] = p.example;
    } else if (type === "FOOTER") model.footer = c.text ?? "";
    else if (type === "BUTTONS")
      model.buttons = (c.buttons ?? []).map((b) => ({ type: b.type, text: b.text ?? "" }));
  }
  return model;
}

function firstVar(text: string): string {
  return /\{\{([^{}]*)\}\}/.exec(text)?.[1] ?? "";
}

/** WhatsApp's *bold*, _italic_ and ~strike~, and unfilled `{{variables}}` highlighted; never raw HTML. */
function rich(text: string): ReactNode[] {
  // Markers count only at word edges, as in WhatsApp: `first_name_x` stays plain.
  const parts = text.split(
    /(\{\{[^{}]*\}\}|(?<!\w)\*[^*\n]+\*(?!\w)|(?<!\w)_[^_\n]+_(?!\w)|(?<!\w)~[^~\n]+~(?!\w))/g,
  );
  return parts.map((part, i) => {
    if (/^\{\{.*\}\}$/.test(part))
      return (
        <span key={i} className="rounded bg-amber-100 px-0.5 text-amber-900">
          {part}
        </span>
      );
    if (/^\*.+\*$/.test(part)) return <strong key={i}>{part.slice(1, -1)}</strong>;
    if (/^_.+_$/.test(part)) return <em key={i}>{part.slice(1, -1)}</em>;
    if (/^~.+~$/.test(part)) return <s key={i}>{part.slice(1, -1)}</s>;
    return part;
  });
}
