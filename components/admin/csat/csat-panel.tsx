"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/lib/client/api";
import type { CsatSettings, CsatSettingsDto } from "@/lib/csat/schemas";
import { ErrorNote, buttonClass, inputClass } from "../people/shared";

const KEY = ["csat", "settings"] as const;
const SCORES = ["Best answer (3)", "Middle answer (2)", "Worst answer (1)"];

/**
 * The survey sent after a resolve: on/off, the question and reply buttons used inside the 24 h window,
 * and the approved template sent outside it (none: no survey then).
 */
export function CsatPanel() {
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: KEY,
    queryFn: () => api<CsatSettingsDto>("/api/v1/csat/settings"),
  });
  const [draft, setDraft] = useState<CsatSettings | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (settings.data && !draft) {
      const { templates: _templates, ...values } = settings.data;
      setDraft(values);
    }
  }, [settings.data, draft]);
  const save = useMutation({
    mutationFn: (input: CsatSettings) =>
      api<CsatSettingsDto>("/api/v1/csat/settings", { method: "PUT", body: JSON.stringify(input) }),
    onSuccess: (result) => {
      queryClient.setQueryData(KEY, result);
      const { templates: _templates, ...values } = result;
      setDraft(values);
      setSaved(true);
    },
  });
  const templates = settings.data?.templates ?? [];
  const update = (patch: Partial<CsatSettings>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Customer satisfaction (CSAT)</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        After an agent resolves a conversation they worked, the customer is asked to rate it. Inside the
        24-hour window the question goes out with three reply buttons; outside it only an approved template
        can be sent, and its quick replies (best first) carry the answer.
      </p>
      <ErrorNote error={settings.error} />
      {settings.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {draft && (
        <form
          aria-label="CSAT settings"
          className="mt-4 max-w-3xl space-y-4 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft);
          }}
        >
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => update({ enabled: e.target.checked })}
            />
            Send a survey after each resolved conversation
          </label>
          <label className="block text-sm">
            Question
            <textarea
              className={inputClass}
              value={draft.question}
              maxLength={1024}
              rows={2}
              required
              onChange={(e) => update({ question: e.target.value })}
            />
          </label>
          <fieldset className="grid gap-3 md:grid-cols-3">
            <legend className="mb-1 text-sm">Reply buttons (20 characters each)</legend>
            {SCORES.map((label, i) => (
              <label key={label} className="text-sm">
                {label}
                <input
                  className={inputClass}
                  value={draft.button_labels[i]}
                  maxLength={20}
                  required
                  onChange={(e) => {
                    const next = [...draft.button_labels] as CsatSettings["button_labels"];
                    next[i] = e.target.value;
                    update({ button_labels: next });
                  }}
                />
              </label>
            ))}
          </fieldset>
          <label className="block text-sm">
            Template outside the 24-hour window
            <select
              className={inputClass}
              value={draft.template_id ?? ""}
              onChange={(e) => update({ template_id: e.target.value || null })}
            >
              <option value="">None: skip the survey when the window has closed</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id} disabled={t.quick_replies === 0}>
                  {t.name}
                  {t.language ? ` (${t.language})` : ""}
                  {t.quick_replies === 0 ? " — no quick replies" : ` — ${t.quick_replies} quick replies`}
                </option>
              ))}
            </select>
          </label>
          <div className="flex items-center gap-3">
            <button type="submit" className={buttonClass()} disabled={save.isPending}>
              Save
            </button>
            {saved && (
              <span role="status" className="text-sm text-emerald-700">
                Saved
              </span>
            )}
          </div>
          <ErrorNote error={save.error} />
        </form>
      )}
    </div>
  );
}
