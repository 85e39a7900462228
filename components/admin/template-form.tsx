"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import {
  LIMITS,
  PARAMETER_FORMATS,
  TEMPLATE_CATEGORIES,
  templateVariables,
  type CreateTemplateInput,
  type FieldIssue,
  type TemplateDto,
} from "@/lib/templates/schemas";
import { TemplatePreview, type PreviewModel } from "./template-preview";

type ButtonType = "QUICK_REPLY" | "URL" | "PHONE_NUMBER";
type ButtonDraft = { type: ButtonType; text: string; url: string; example: string; phone_number: string };
type Draft = {
  waba_id: string;
  name: string;
  language: string;
  category: (typeof TEMPLATE_CATEGORIES)[number];
  parameter_format: (typeof PARAMETER_FORMATS)[number];
  headerFormat: "NONE" | "TEXT" | "IMAGE" | "VIDEO" | "DOCUMENT";
  headerText: string;
  headerExample: string;
  bodyText: string;
  examples: Record<string, string>;
  footerText: string;
  buttons: ButtonDraft[];
};

const EMPTY: Draft = {
  waba_id: "",
  name: "",
  language: "en_US",
  category: "UTILITY",
  parameter_format: "POSITIONAL",
  headerFormat: "NONE",
  headerText: "",
  headerExample: "",
  bodyText: "",
  examples: {},
  footerText: "",
  buttons: [],
};
const LANGUAGES = ["en_US", "en_GB", "es", "es_MX", "pt_BR", "fr", "de", "it", "nl", "ar", "hi", "id", "tr"];
const buttonLabel: Record<ButtonType, string> = {
  QUICK_REPLY: "Quick reply",
  URL: "Visit website",
  PHONE_NUMBER: "Call phone number",
};
const input =
  "w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-emerald-600 focus:outline-none";

/** Create form with a live WhatsApp preview; field errors come from the API's 422 `issues`. */
export function TemplateForm({
  wabaIds,
  onCreated,
  onCancel,
}: {
  wabaIds: string[];
  onCreated: (template: TemplateDto) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, waba_id: wabaIds[0] ?? "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setButton = (i: number, patch: Partial<ButtonDraft>) =>
    setDraft((d) => ({ ...d, buttons: d.buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)) }));

  const bodyVars = [...new Set(templateVariables(draft.bodyText))];
  const headerVar = draft.headerFormat === "TEXT" ? templateVariables(draft.headerText)[0] : undefined;

  const create = useMutation({
    mutationFn: () =>
      api<TemplateDto>("/api/v1/templates", {
        method: "POST",
        body: JSON.stringify(toInput(draft, bodyVars)),
      }),
    onMutate: () => setErrors({}),
    onSuccess: (template) => onCreated(template),
    onError: (error) => setErrors(errorsFrom(error)),
  });

  const err = (field: string) =>
    errors[field] ? (
      <p data-testid={`error-${field}`} className="mt-1 text-xs text-red-700">
        {errors[field]}
      </p>
    ) : null;
  const shown = new Set([
    ...(wabaIds.length > 1 ? ["waba_id"] : []),
    "name",
    "language",
    "category",
    "parameter_format",
    "components.header.text",
    "components.header.example",
    "components.body.text",
    "components.footer.text",
    ...bodyVars.map((v) => `components.body.examples.${v}`),
    ...draft.buttons.flatMap((_, i) =>
      ["text", "url", "example", "phone_number"].map((f) => `components.buttons.${i}.${f}`),
    ),
  ]);
  // Errors with no input of their own (e.g. button grouping, or a conflict from Meta) go above the form.
  const general = Object.entries(errors).filter(([field]) => !shown.has(field));

  return (
    <section data-testid="template-form" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-center justify-between">
        <h2 className="font-medium">New template</h2>
        <button type="button" onClick={onCancel} className="text-sm text-slate-500 hover:text-slate-800">
          Cancel
        </button>
      </div>
      {general.length > 0 && (
        <div
          data-testid="template-form-error"
          className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {general.map(([field, message]) => (
            <p key={field}>{field === "form" ? message : `${field}: ${message}`}</p>
          ))}
        </div>
      )}
      <div className="mt-4 grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          {wabaIds.length > 1 && (
            <Field id="tpl-waba" label="WhatsApp Business Account">
              <select
                id="tpl-waba"
                className={input}
                value={draft.waba_id}
                onChange={(e) => set("waba_id", e.target.value)}
              >
                {wabaIds.map((id) => (
                  <option key={id}>{id}</option>
                ))}
              </select>
              {err("waba_id")}
            </Field>
          )}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="tpl-name" label="Name" hint="lowercase letters, digits and underscores">
              <input
                id="tpl-name"
                className={input}
                value={draft.name}
                maxLength={LIMITS.name}
                placeholder="order_ready"
                onChange={(e) => set("name", e.target.value)}
              />
              {err("name")}
            </Field>
            <Field id="tpl-language" label="Language">
              <input
                id="tpl-language"
                className={input}
                list="tpl-languages"
                value={draft.language}
                onChange={(e) => set("language", e.target.value)}
              />
              <datalist id="tpl-languages">
                {LANGUAGES.map((l) => (
                  <option key={l} value={l} />
                ))}
              </datalist>
              {err("language")}
            </Field>
            <Field id="tpl-category" label="Category">
              <select
                id="tpl-category"
                className={input}
                value={draft.category}
                onChange={(e) => set("category", e.target.value as Draft["category"])}
              >
                {TEMPLATE_CATEGORIES.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
              {err("category")}
            </Field>
            <Field id="tpl-format" label="Parameter format" hint="{{1}} or {{first_name}}">
              <select
                id="tpl-format"
                className={input}
                value={draft.parameter_format}
                onChange={(e) => set("parameter_format", e.target.value as Draft["parameter_format"])}
              >
                {PARAMETER_FORMATS.map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
              {err("parameter_format")}
            </Field>
          </div>

          <Field id="tpl-header-format" label="Header">
            <select
              id="tpl-header-format"
              className={input}
              value={draft.headerFormat}
              onChange={(e) => set("headerFormat", e.target.value as Draft["headerFormat"])}
            >
              <option value="NONE">None</option>
              <option value="TEXT">Text</option>
              <option value="IMAGE">Image</option>
              <option value="VIDEO">Video</option>
              <option value="DOCUMENT">Document</option>
            </select>
          </Field>
          {draft.headerFormat === "TEXT" && (
            <Field
              id="tpl-header-text"
              label="Header text"
              count={[draft.headerText.length, LIMITS.headerText]}
            >
              <input
                id="tpl-header-text"
                className={input}
                value={draft.headerText}
                onChange={(e) => set("headerText", e.target.value)}
              />
              {err("components.header.text")}
            </Field>
          )}
          {headerVar !== undefined && (
            <Field id="tpl-header-example" label={`Header example for {{${headerVar}}}`}>
              <input
                id="tpl-header-example"
                className={input}
                value={draft.headerExample}
                onChange={(e) => set("headerExample", e.target.value)}
              />
              {err("components.header.example")}
            </Field>
          )}

          <Field
            id="tpl-body"
            label="Body"
            hint={
              draft.parameter_format === "NAMED" ? "variables: {{first_name}}" : "variables: {{1}}, {{2}}, …"
            }
            count={[draft.bodyText.length, LIMITS.bodyText]}
          >
            <textarea
              id="tpl-body"
              rows={5}
              className={input}
              value={draft.bodyText}
              onChange={(e) => set("bodyText", e.target.value)}
            />
            {err("components.body.text")}
          </Field>
          {bodyVars.length > 0 && (
            <div data-testid="variable-examples" className="grid gap-3 sm:grid-cols-2">
              {bodyVars.map((v) => (
                <Field key={v} id={`tpl-example-${v}`} label={`Example for {{${v}}}`}>
                  <input
                    id={`tpl-example-${v}`}
                    className={input}
                    value={draft.examples[v] ?? ""}
                    onChange={(e) => set("examples", { ...draft.examples, [v]: e.target.value })}
                  />
                  {err(`components.body.examples.${v}`)}
                </Field>
              ))}
            </div>
          )}

          <Field
            id="tpl-footer"
            label="Footer"
            hint="optional, no variables"
            count={[draft.footerText.length, LIMITS.footerText]}
          >
            <input
              id="tpl-footer"
              className={input}
              value={draft.footerText}
              onChange={(e) => set("footerText", e.target.value)}
            />
            {err("components.footer.text")}
          </Field>

          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-700">Buttons</legend>
            {draft.buttons.map((button, i) => (
              <div
                key={i}
                data-testid="button-draft"
                className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-2"
              >
                <Field id={`tpl-button-${i}-type`} label={`Button ${i + 1} type`}>
                  <select
                    id={`tpl-button-${i}-type`}
                    className={input}
                    value={button.type}
                    onChange={(e) => setButton(i, { type: e.target.value as ButtonType })}
                  >
                    {(Object.keys(buttonLabel) as ButtonType[]).map((t) => (
                      <option key={t} value={t}>
                        {buttonLabel[t]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  id={`tpl-button-${i}-text`}
                  label={`Button ${i + 1} text`}
                  count={[button.text.length, LIMITS.buttonText]}
                >
                  <input
                    id={`tpl-button-${i}-text`}
                    className={input}
                    value={button.text}
                    onChange={(e) => setButton(i, { text: e.target.value })}
                  />
                  {err(`components.buttons.${i}.text`)}
                </Field>
                {button.type === "URL" && (
                  <>
                    <Field
                      id={`tpl-button-${i}-url`}
                      label={`Button ${i + 1} URL`}
                      hint="one variable, at the end"
                    >
                      <input
                        id={`tpl-button-${i}-url`}
                        className={input}
                        placeholder="https://example.com/track/{{1}}"
                        value={button.url}
                        onChange={(e) => setButton(i, { url: e.target.value })}
                      />
                      {err(`components.buttons.${i}.url`)}
                    </Field>
                    {templateVariables(button.url).length > 0 && (
                      <Field id={`tpl-button-${i}-example`} label={`Button ${i + 1} URL example`}>
                        <input
                          id={`tpl-button-${i}-example`}
                          className={input}
                          value={button.example}
                          onChange={(e) => setButton(i, { example: e.target.value })}
                        />
                        {err(`components.buttons.${i}.example`)}
                      </Field>
                    )}
                  </>
                )}
                {button.type === "PHONE_NUMBER" && (
                  <Field id={`tpl-button-${i}-phone`} label={`Button ${i + 1} phone number`}>
                    <input
                      id={`tpl-button-${i}-phone`}
                      className={input}
                      placeholder="+15550100000"
                      value={button.phone_number}
                      onChange={(e) => setButton(i, { phone_number: e.target.value })}
                    />
                    {err(`components.buttons.${i}.phone_number`)}
                  </Field>
                )}
                <div className="flex items-end">
                  <button
                    type="button"
                    className="text-xs text-slate-500 hover:text-red-700"
                    onClick={() =>
                      set(
                        "buttons",
                        draft.buttons.filter((_, j) => j !== i),
                      )
                    }
                  >
                    Remove button {i + 1}
                  </button>
                </div>
              </div>
            ))}
            {draft.buttons.length < LIMITS.buttons && (
              <button
                type="button"
                data-testid="add-button"
                className="rounded-md border border-dashed border-slate-300 px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-50"
                onClick={() =>
                  set("buttons", [
                    ...draft.buttons,
                    { type: "QUICK_REPLY", text: "", url: "", example: "", phone_number: "" },
                  ])
                }
              >
                + Add button
              </button>
            )}
          </fieldset>

          <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
            <button
              type="submit"
              data-testid="template-submit"
              disabled={create.isPending}
              className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
            >
              {create.isPending ? "Submitting…" : "Submit for review"}
            </button>
            <span className="text-xs text-slate-500">Meta reviews new templates; they start as PENDING.</span>
          </div>
        </form>
        <div className="lg:sticky lg:top-0 lg:self-start">
          <p className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-500">Preview</p>
          <TemplatePreview model={toPreview(draft, headerVar)} />
        </div>
      </div>
    </section>
  );
}

function Field({
  id,
  label,
  hint,
  count,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  count?: [number, number];
  children: React.ReactNode;
}) {
  return (
    <div>
      <div className="mb-1 flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        {hint && <span className="text-xs text-slate-400">{hint}</span>}
        {count && (
          <span className={`text-xs ${count[0] > count[1] ? "text-red-700" : "text-slate-400"}`}>
            {count[0]}/{count[1]}
          </span>
        )}
      </div>
      {children}
    </div>
  );
}

function toInput(d: Draft, bodyVars: string[]): CreateTemplateInput {
  const header =
    d.headerFormat === "NONE"
      ? undefined
      : d.headerFormat === "TEXT"
        ? { format: "TEXT" as const, text: d.headerText, example: d.headerExample }
        : { format: d.headerFormat };
  return {
    ...(d.waba_id ? { waba_id: d.waba_id } : {}),
    name: d.name,
    language: d.language,
    category: d.category,
    parameter_format: d.parameter_format,
    components: {
      ...(header ? { header } : {}),
      // Only the examples of variables still in the text: edits leave stale ones behind.
      body: { text: d.bodyText, examples: Object.fromEntries(bodyVars.map((v) => [v, d.examples[v] ?? ""])) },
      ...(d.footerText.trim() ? { footer: { text: d.footerText } } : {}),
      buttons: d.buttons.map((b) =>
        b.type === "URL"
          ? { type: "URL", text: b.text, url: b.url, example: b.example }
          : b.type === "PHONE_NUMBER"
            ? { type: "PHONE_NUMBER", text: b.text, phone_number: b.phone_number }
            : { type: "QUICK_REPLY", text: b.text },
      ),
    },
  };
}

function toPreview(d: Draft, headerVar: string | undefined): PreviewModel {
  return {
    header:
      d.headerFormat === "NONE"
        ? undefined
        : d.headerFormat === "TEXT"
          ? {
              format: "TEXT",
              text: d.headerText,
              example: headerVar !== undefined ? d.headerExample : undefined,
            }
          : { format: d.headerFormat },
    body: d.bodyText,
    examples: d.examples,
    footer: d.footerText.trim() || undefined,
    buttons: d.buttons.map((b) => ({ type: b.type, text: b.text })),
  };
}

function errorsFrom(error: Error): Record<string, string> {
  if (error instanceof ApiError && Array.isArray(error.details.issues)) {
    const out: Record<string, string> = {};
    for (const issue of error.details.issues as FieldIssue[]) out[issue.field] ??= issue.message;
    return out;
  }
  return { form: error.message };
}
