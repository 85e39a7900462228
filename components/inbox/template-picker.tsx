"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { explainSendError } from "@/lib/client/send";
import { startUpload, type UploadedFile, type UploadTask } from "@/lib/client/uploads";
import type { ConversationSummary, Page } from "@/lib/conversations/schemas";
import { renderTemplatePreview, templateVariables, type OutboundMessageInput } from "@/lib/messaging/schemas";
import type { TemplateDto } from "@/lib/templates/schemas";
import { previewFromComponents, TemplatePreview, type PreviewModel } from "../admin/template-preview";
import { queueSend } from "./outbox";

type Props = {
  conversation: ConversationSummary;
  /** Back to free text; null while the window is closed (templates are all WhatsApp accepts). */
  onBack: (() => void) | null;
};

/** Search the approved templates, fill their variables with a live preview, and send one. */
export function TemplatePicker({ conversation, onBack }: Props) {
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const [selected, setSelected] = useState<TemplateDto | null>(null);
  const filters: Record<string, string> = { status: "APPROVED", ...(q ? { q } : {}) };
  const list = useQuery({
    queryKey: queryKeys.templates(filters),
    queryFn: () =>
      api<Page<TemplateDto>>(`/api/v1/templates?${new URLSearchParams({ ...filters, limit: "50" })}`),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.data ?? [];

  if (selected)
    return (
      <TemplateForm
        key={selected.id}
        conversation={conversation}
        template={selected}
        onCancel={() => setSelected(null)}
        onSent={() => setSelected(null)}
      />
    );
  return (
    <div data-testid="template-picker">
      <div className="flex items-center gap-2">
        <input
          type="search"
          data-testid="template-search"
          data-composer-focus
          aria-label="Search templates"
          placeholder="Search approved templates"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          className="min-w-0 flex-1 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm outline-none focus:border-emerald-500 dark:border-slate-700 dark:bg-slate-900"
        />
        {onBack && (
          <button
            type="button"
            data-testid="back-to-text"
            onClick={onBack}
            className="rounded-md px-2 py-1.5 text-xs text-emerald-800 hover:bg-white"
          >
            Back to message
          </button>
        )}
      </div>
      <ul className="mt-1.5 max-h-48 overflow-y-auto rounded-lg bg-white shadow-sm dark:bg-slate-900">
        {list.isPending && (
          <li className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">Loading templates…</li>
        )}
        {list.error && (
          <li className="px-3 py-2 text-xs text-red-700 dark:text-red-400">
            Could not load templates: {list.error.message}
          </li>
        )}
        {!list.isPending && !list.error && rows.length === 0 && (
          <li data-testid="templates-none" className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">
            {q
              ? "No approved template matches."
              : "No approved templates yet. An admin can sync them from Meta."}
          </li>
        )}
        {rows.map((t) => (
          <li key={t.id} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
            <button
              type="button"
              data-testid="template-option"
              data-name={t.name ?? ""}
              onClick={() => setSelected(t)}
              className="block w-full px-3 py-2 text-left hover:bg-emerald-50"
            >
              <span className="flex items-baseline gap-2">
                <span className="text-sm font-medium">{t.name}</span>
                <span className="text-[11px] text-slate-500 dark:text-slate-400">
                  {[t.language, t.category?.toLowerCase()].filter(Boolean).join(" · ")}
                </span>
              </span>
              <span className="block truncate text-xs text-slate-600 dark:text-slate-300">{bodyText(t)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

type Field = { id: string; label: string; example?: string };

function TemplateForm({
  conversation,
  template,
  onCancel,
  onSent,
}: {
  conversation: ConversationSummary;
  template: TemplateDto;
  onCancel: () => void;
  onSent: () => void;
}) {
  const queryClient = useQueryClient();
  const vars = useMemo(() => templateVariables(template), [template]);
  const named = vars.parameterFormat === "NAMED";
  const bodyKeys = new Set(vars.body.map((v) => v.key));
  // A NAMED header variable that the body uses too is asked for once.
  const headerVar = vars.headerFormat === "TEXT" ? vars.header[0] : undefined;
  const headerShared = Boolean(headerVar && named && bodyKeys.has(headerVar.key));
  const fields: Field[] = [
    ...(headerVar && !headerShared
      ? [{ id: "header", label: `Header {{${headerVar.key}}}`, example: headerVar.example }]
      : []),
    ...vars.body.map((v) => ({ id: `body:${v.key}`, label: `{{${v.key}}}`, example: v.example })),
    ...vars.buttons
      .filter((b) => b.vars.length > 0)
      .map((b) => ({
        id: `button:${b.index}`,
        label: b.type === "COPY_CODE" ? "Coupon code" : `Button ${b.index + 1} link ending`,
        example: b.vars[0]?.example,
      })),
  ];
  const [values, setValues] = useState<Record<string, string>>({});
  const media = useHeaderMedia();
  const mediaHeader =
    vars.headerFormat === "IMAGE" || vars.headerFormat === "VIDEO" || vars.headerFormat === "DOCUMENT";
  const unsupported = vars.headerFormat === "LOCATION";

  const value = (id: string) => values[id] ?? "";
  const headerValue = headerVar ? value(headerShared ? `body:${headerVar.key}` : "header") : "";
  const variables = Object.fromEntries(vars.body.map((v) => [v.key, value(`body:${v.key}`)]));
  const missing = fields.filter((f) => !value(f.id).trim());
  const ready = missing.length === 0 && !unsupported && (!mediaHeader || Boolean(media.uploaded));

  const base = useMemo(() => previewFromComponents(template.components), [template]);
  const model: PreviewModel = {
    ...base,
    examples: Object.fromEntries(Object.entries(variables).filter(([, v]) => v.trim())),
    header:
      base.header?.format === "TEXT"
        ? { ...base.header, example: headerValue.trim() || undefined }
        : base.header,
  };

  function send() {
    if (!ready) return;
    const header = headerVar
      ? { text: headerValue }
      : mediaHeader && media.uploaded
        ? {
            media_id: media.uploaded.id,
            ...(vars.headerFormat === "DOCUMENT" && media.uploaded.filename
              ? { filename: media.uploaded.filename }
              : {}),
          }
        : undefined;
    const buttons = vars.buttons
      .filter((b) => b.vars.length > 0)
      .map((b) => ({ index: b.index, text: value(`button:${b.index}`) }));
    const body: OutboundMessageInput = {
      type: "template",
      template_id: template.id,
      ...(vars.body.length ? { variables } : {}),
      ...(header ? { header } : {}),
      ...(buttons.length ? { buttons } : {}),
    };
    const preview = renderTemplatePreview(template, variables, headerVar ? { header: headerValue } : {});
    // The sent bubble renders from this template; no need to fetch it again.
    queryClient.setQueryData(queryKeys.template(template.id), template);
    queueSend(queryClient, {
      conversationId: conversation.id,
      windowExpiresAt: conversation.window_expires_at,
      preview: { type: "template", text: preview.body, replyTo: null },
      build: () => body,
    });
    media.reset();
    onSent();
  }

  return (
    <div
      data-testid="template-form"
      data-name={template.name ?? ""}
      onKeyDown={(event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          send();
        } else if (event.key === "Escape") onCancel();
      }}
      className="flex max-h-[55vh] flex-col gap-3 overflow-y-auto md:flex-row"
    >
      <div className="min-w-0 flex-1 space-y-2">
        <div className="flex items-center justify-between gap-2">
          <p className="text-sm font-medium">
            {template.name}{" "}
            <span className="text-xs font-normal text-slate-500 dark:text-slate-400">
              {[template.language, template.category?.toLowerCase()].filter(Boolean).join(" · ")}
            </span>
          </p>
          <button
            type="button"
            data-testid="template-change"
            onClick={onCancel}
            className="rounded px-2 py-1 text-xs text-emerald-800 hover:bg-white"
          >
            Choose another
          </button>
        </div>
        {fields.length === 0 && !mediaHeader && !unsupported && (
          <p className="text-xs text-slate-500 dark:text-slate-400">This template has nothing to fill in.</p>
        )}
        {fields.map((field, i) => (
          <label key={field.id} className="block text-xs">
            <span className="mb-0.5 block font-medium text-slate-700 dark:text-slate-200">{field.label}</span>
            <input
              data-testid="template-variable"
              aria-label={`Value for ${field.label}`}
              autoFocus={i === 0}
              placeholder={field.example ? `e.g. ${field.example}` : ""}
              value={value(field.id)}
              onChange={(event) => setValues((v) => ({ ...v, [field.id]: event.target.value }))}
              className="w-full rounded-md border border-slate-200 bg-white px-2 py-1.5 text-sm outline-none focus:border-emerald-500 dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
        ))}
        {mediaHeader && (
          <label className="block text-xs">
            <span className="mb-0.5 block font-medium text-slate-700 dark:text-slate-200">
              Header {vars.headerFormat?.toLowerCase()}
            </span>
            <input
              type="file"
              data-testid="template-header-file"
              aria-label={`Header ${vars.headerFormat?.toLowerCase()}`}
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) media.start(file);
              }}
              className="block w-full text-xs"
            />
            {media.state === "uploading" && (
              <span className="text-slate-500 dark:text-slate-400">
                Uploading… {Math.round(media.progress * 100)}%
              </span>
            )}
            {media.error && <span className="text-red-700 dark:text-red-400">{media.error}</span>}
          </label>
        )}
        {unsupported && (
          <p className="text-xs text-amber-800 dark:text-amber-300">
            This template has a location header, which Tandem can&apos;t send yet. Choose another one.
          </p>
        )}
        <div className="flex items-center gap-3">
          <button
            type="button"
            data-testid="template-send"
            disabled={!ready}
            onClick={send}
            title="Send (Ctrl+Enter)"
            className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 disabled:bg-slate-300"
          >
            Send template
          </button>
          {!ready && missing.length > 0 && (
            <span className="text-xs text-slate-500 dark:text-slate-400">
              Fill in {missing.length === 1 ? missing[0]!.label : `${missing.length} values`}
            </span>
          )}
        </div>
      </div>
      <div className="md:w-72">
        <TemplatePreview model={model} />
      </div>
    </div>
  );
}

/** The file for an image, video or document header: uploaded as soon as it is chosen. */
function useHeaderMedia() {
  const [task, setTask] = useState<UploadTask | null>(null);
  const [progress, setProgress] = useState(0);
  const [uploaded, setUploaded] = useState<UploadedFile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!task) return;
    let live = true;
    const stop = task.subscribe(setProgress);
    task.promise.then(
      (file) => live && setUploaded(file),
      (e: unknown) => live && setError(explainSendError(e)),
    );
    return () => {
      live = false;
      stop();
    };
  }, [task]);
  return {
    state:
      task && !uploaded && !error
        ? ("uploading" as const)
        : uploaded
          ? ("ready" as const)
          : ("idle" as const),
    progress,
    uploaded,
    error,
    start(file: File) {
      task?.abort();
      setUploaded(null);
      setError(null);
      setProgress(0);
      setTask(startUpload(file));
    },
    reset() {
      setTask(null);
      setUploaded(null);
    },
  };
}

function bodyText(template: TemplateDto): string {
  return template.components.find((c) => c.type.toUpperCase() === "BODY")?.text ?? "";
}
