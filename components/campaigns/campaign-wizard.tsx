"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import {
  CONTACT_FIELDS,
  type CampaignAudiences,
  type CampaignDto,
  type CampaignEstimate,
  type ContactField,
} from "@/lib/campaigns/schemas";
import { renderTemplatePreview, templateVariables } from "@/lib/messaging/schemas";
import type { NumberDto } from "@/lib/numbers/schemas";
import type { TemplateDto } from "@/lib/templates/schemas";
import {
  AttributeConditions,
  toConditions,
  useActiveAttributes,
  type ConditionDraft,
} from "./attribute-conditions";
import { EstimateCard } from "./estimate-card";
import { badge } from "./labels";

type VarChoice = { source: "fixed" | ContactField; text: string };

const input = "w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm";
const label = "block text-xs font-medium text-slate-600";
// What the preview shows for a contact field (the real value is filled per recipient).
const SAMPLE: Record<ContactField, string> = {
  name: "Maria Lopez",
  first_name: "Maria",
  phone: "+14155550101",
  username: "maria.l",
};
const MEDIA_HEADERS = ["IMAGE", "VIDEO", "DOCUMENT"];

/** New campaign: number → approved template → values → audience, with a live estimate, then send or schedule. */
export function CampaignWizard({ onDone, onCancel }: { onDone: (id: string) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [numberId, setNumberId] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [choices, setChoices] = useState<Record<string, VarChoice>>({});
  const [headerLink, setHeaderLink] = useState("");
  const [headerText, setHeaderText] = useState("");
  const [buttonValues, setButtonValues] = useState<Record<number, string>>({});
  const [source, setSource] = useState<"number" | "team" | "label" | "contacts">("number");
  const [teamId, setTeamId] = useState("");
  const [labelId, setLabelId] = useState("");
  const [excludeLabelId, setExcludeLabelId] = useState("");
  const [contactIds, setContactIds] = useState("");
  const [withinDays, setWithinDays] = useState("");
  const [hasPhone, setHasPhone] = useState(false);
  const [conditions, setConditions] = useState<ConditionDraft[]>([]);
  const [when, setWhen] = useState<"now" | "later">("now");
  const [scheduledAt, setScheduledAt] = useState("");

  const numbers = useQuery({
    queryKey: queryKeys.numbers,
    queryFn: () => api<{ data: NumberDto[] }>("/api/v1/numbers"),
  });
  const number = numbers.data?.data.find((n) => n.id === numberId);
  const templates = useQuery({
    queryKey: queryKeys.templates({ status: "APPROVED", waba_id: number?.waba_id ?? "" }),
    queryFn: () =>
      api<{ data: TemplateDto[] }>(
        `/api/v1/templates?${new URLSearchParams({ status: "APPROVED", waba_id: number!.waba_id, limit: "200" })}`,
      ),
    enabled: Boolean(number),
  });
  const template = templates.data?.data.find((t) => t.id === templateId);
  const attributeDefinitions = useActiveAttributes();
  const attributeConditions = toConditions(conditions, attributeDefinitions.data?.data);
  const audiences = useQuery({
    queryKey: [...queryKeys.campaigns.all, "audiences", numberId],
    queryFn: () => api<CampaignAudiences>(`/api/v1/campaigns/audiences?number_id=${numberId}`),
    enabled: Boolean(numberId),
  });

  const vars = template
    ? templateVariables({ components: template.components, parameter_format: template.parameter_format })
    : null;
  const named = vars?.parameterFormat === "NAMED";
  const varKeys = vars ? [...vars.body, ...(named ? vars.header : [])].map((v) => v.key) : [];
  const choice = (key: string): VarChoice => choices[key] ?? { source: "fixed", text: "" };
  const valueOf = (c: VarChoice) =>
    c.source === "fixed"
      ? c.text
      : c.text.trim()
        ? `{{contact.${c.source}|${c.text.trim()}}}`
        : `{{contact.${c.source}}}`;
  const variables = Object.fromEntries(varKeys.map((key) => [key, valueOf(choice(key))]));
  const mediaHeader =
    vars?.headerFormat && MEDIA_HEADERS.includes(vars.headerFormat) ? vars.headerFormat : null;
  const textHeaderVar = vars?.headerFormat === "TEXT" && vars.header.length > 0 && !named;
  const dynamicButtons = vars?.buttons.filter((b) => b.vars.length > 0) ?? [];
  const segment = {
    source,
    ...(source === "team" && teamId ? { team_id: teamId } : {}),
    ...(source === "label" && labelId ? { label_id: labelId } : {}),
    ...(source === "contacts"
      ? {
          contact_ids: contactIds
            .split(/[\s,]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(withinDays ? { last_inbound_within_days: Number(withinDays) } : {}),
    ...(hasPhone ? { has_phone: true } : {}),
    ...(excludeLabelId ? { exclude_label_id: excludeLabelId } : {}),
    ...(attributeConditions.length > 0 ? { attributes: attributeConditions } : {}),
  };
  const segmentReady =
    (source !== "team" || Boolean(teamId)) &&
    (source !== "label" || (Boolean(labelId) && labelId !== excludeLabelId)) &&
    (source !== "contacts" || (segment.contact_ids?.length ?? 0) > 0);

  const estimateInput = JSON.stringify({ number_id: numberId, template_id: templateId, segment, variables });
  const deferred = useDeferredValue(estimateInput);
  const estimate = useQuery({
    // Outside queryKeys.campaigns: progress events refetch campaigns, and must not re-run estimates.
    queryKey: ["campaign-estimate", deferred],
    queryFn: () => api<CampaignEstimate>("/api/v1/campaigns/estimate", { method: "POST", body: deferred }),
    enabled: Boolean(numberId && templateId && segmentReady),
    placeholderData: keepPreviousData,
    retry: false,
  });

  const submit = useMutation({
    mutationFn: async (mode: "send" | "draft") => {
      const created = await api<CampaignDto>("/api/v1/campaigns", {
        method: "POST",
        body: JSON.stringify({
          name,
          number_id: numberId,
          template_id: templateId,
          variables,
          ...(mediaHeader ? { header: { link: headerLink.trim() } } : {}),
          ...(textHeaderVar ? { header: { text: headerText } } : {}),
          ...(dynamicButtons.length
            ? { buttons: dynamicButtons.map((b) => ({ index: b.index, text: buttonValues[b.index] ?? "" })) }
            : {}),
          segment,
          ...(when === "later" && scheduledAt ? { scheduled_at: new Date(scheduledAt).toISOString() } : {}),
        }),
      });
      if (mode === "send")
        await api<CampaignDto>(`/api/v1/campaigns/${created.id}/start`, { method: "POST", body: "{}" });
      return created;
    },
    onSuccess: (created) => onDone(created.id),
  });
  const error = submit.error instanceof ApiError ? submit.error : null;

  const preview = template
    ? renderTemplatePreview(
        { components: template.components, parameter_format: template.parameter_format },
        Object.fromEntries(
          varKeys.map((key) => {
            const c = choice(key);
            return [key, c.source === "fixed" ? c.text : SAMPLE[c.source]];
          }),
        ),
        textHeaderVar ? { header: headerText } : {},
      )
    : null;

  return (
    <form
      data-testid="campaign-wizard"
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate("send");
      }}
    >
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-semibold">New campaign</h2>
        <button type="button" onClick={onCancel} className="text-sm text-slate-500 hover:text-slate-800">
          Close
        </button>
      </div>

      <section className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="cw-name" className={label}>
            Campaign name
          </label>
          <input
            id="cw-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={input}
            required
          />
        </div>
        <div>
          <label htmlFor="cw-number" className={label}>
            Number
          </label>
          <select
            id="cw-number"
            value={numberId}
            onChange={(e) => {
              setNumberId(e.target.value);
              setTemplateId("");
              setTeamId("");
              setLabelId("");
              setExcludeLabelId("");
            }}
            className={input}
            required
          >
            <option value="">Choose a number…</option>
            {numbers.data?.data.map((n) => (
              <option key={n.id} value={n.id}>
                {n.display_number}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="cw-template" className={label}>
            Template
          </label>
          <select
            id="cw-template"
            value={templateId}
            onChange={(e) => {
              setTemplateId(e.target.value);
              setChoices({});
            }}
            className={input}
            disabled={!number}
            required
          >
            <option value="">{number ? "Choose an approved template…" : "Choose a number first"}</option>
            {templates.data?.data.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} · {t.language} · {t.category}
              </option>
            ))}
          </select>
          {template?.category === "MARKETING" && (
            <p className="mt-1 text-xs text-amber-800">
              Marketing: only contacts who opted in to marketing (and did not opt out since) receive it.
            </p>
          )}
        </div>
      </section>

      {template && (
        <section className="grid gap-4 sm:grid-cols-[1fr_18rem]">
          <div className="space-y-3">
            <h3 className="text-sm font-semibold">Values</h3>
            {varKeys.length === 0 && !mediaHeader && !textHeaderVar && dynamicButtons.length === 0 && (
              <p className="text-sm text-slate-500">This template has no variables.</p>
            )}
            {varKeys.map((key) => {
              const c = choice(key);
              const set = (next: Partial<VarChoice>) => setChoices({ ...choices, [key]: { ...c, ...next } });
              return (
                <div
                  key={key}
                  data-testid="variable-row"
                  className="grid grid-cols-[6rem_1fr_1fr] items-end gap-2"
                >
                  <span className="pb-1.5 font-mono text-sm">{`{{${key}}}`}</span>
                  <div>
                    <label htmlFor={`cw-src-${key}`} className={label}>
                      {`Value for {{${key}}}`}
                    </label>
                    <select
                      id={`cw-src-${key}`}
                      value={c.source}
                      onChange={(e) => {
                        const next = e.target.value as VarChoice["source"];
                        set({ source: next, text: next === "name" || next === "first_name" ? "there" : "" });
                      }}
                      className={input}
                    >
                      <option value="fixed">Fixed text</option>
                      {(Object.keys(CONTACT_FIELDS) as ContactField[]).map((field) => (
                        <option key={field} value={field}>
                          Contact: {CONTACT_FIELDS[field]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div>
                    <label htmlFor={`cw-text-${key}`} className={label}>
                      {c.source === "fixed" ? `Text for {{${key}}}` : `Fallback for {{${key}}}`}
                    </label>
                    <input
                      id={`cw-text-${key}`}
                      value={c.text}
                      onChange={(e) => set({ text: e.target.value })}
                      placeholder={c.source === "fixed" ? "" : "when the contact has none"}
                      className={input}
                    />
                  </div>
                </div>
              );
            })}
            {mediaHeader && (
              <div>
                <label htmlFor="cw-header-link" className={label}>
                  Header {mediaHeader.toLowerCase()} link
                </label>
                <input
                  id="cw-header-link"
                  type="url"
                  value={headerLink}
                  onChange={(e) => setHeaderLink(e.target.value)}
                  placeholder="https://…"
                  className={input}
                />
              </div>
            )}
            {textHeaderVar && (
              <div>
                <label htmlFor="cw-header-text" className={label}>
                  Header text
                </label>
                <input
                  id="cw-header-text"
                  value={headerText}
                  onChange={(e) => setHeaderText(e.target.value)}
                  className={input}
                />
              </div>
            )}
            {dynamicButtons.map((b) => (
              <div key={b.index}>
                <label htmlFor={`cw-button-${b.index}`} className={label}>
                  Button {b.index + 1} value
                </label>
                <input
                  id={`cw-button-${b.index}`}
                  value={buttonValues[b.index] ?? ""}
                  onChange={(e) => setButtonValues({ ...buttonValues, [b.index]: e.target.value })}
                  className={input}
                />
              </div>
            ))}
          </div>
          {preview && (
            <div data-testid="campaign-preview" className="rounded-lg bg-[#efeae2] p-3 text-sm">
              <div className="rounded-lg rounded-tl-none bg-white px-2.5 py-2 shadow-sm">
                {preview.header && <p className="mb-1 font-semibold">{preview.header}</p>}
                <p className="whitespace-pre-wrap">{preview.body}</p>
                {preview.footer && <p className="mt-1 text-xs text-slate-500">{preview.footer}</p>}
              </div>
              {preview.buttons.map((b) => (
                <p key={b} className="mt-1 rounded-lg bg-white py-1.5 text-center text-sky-600 shadow-sm">
                  {b}
                </p>
              ))}
            </div>
          )}
        </section>
      )}

      {numberId && (
        <section className="space-y-3">
          <h3 className="text-sm font-semibold">Audience</h3>
          <fieldset className="space-y-1 text-sm">
            <legend className="sr-only">Who receives it</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cw-source"
                checked={source === "number"}
                onChange={() => setSource("number")}
              />
              Everyone who has a conversation on this number
              {audiences.data && <span className="text-slate-500">({audiences.data.contacts})</span>}
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cw-source"
                checked={source === "team"}
                onChange={() => setSource("team")}
              />
              The contacts of one team
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cw-source"
                checked={source === "label"}
                onChange={() => setSource("label")}
              />
              Contacts whose conversation carries a label
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cw-source"
                checked={source === "contacts"}
                onChange={() => setSource("contacts")}
              />
              Specific contacts
            </label>
          </fieldset>
          {source === "team" && (
            <div>
              <label htmlFor="cw-team" className={label}>
                Team
              </label>
              <select
                id="cw-team"
                value={teamId}
                onChange={(e) => setTeamId(e.target.value)}
                className={input}
              >
                <option value="">Choose a team…</option>
                {audiences.data?.teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.contacts})
                  </option>
                ))}
              </select>
            </div>
          )}
          {source === "label" && (
            <div>
              <label htmlFor="cw-label" className={label}>
                Label
              </label>
              <select
                id="cw-label"
                value={labelId}
                onChange={(e) => setLabelId(e.target.value)}
                className={input}
              >
                <option value="">Choose a label…</option>
                {audiences.data?.labels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name} ({l.contacts})
                  </option>
                ))}
              </select>
            </div>
          )}
          {source === "contacts" && (
            <div>
              <label htmlFor="cw-contacts" className={label}>
                Contact ids (one per line)
              </label>
              <textarea
                id="cw-contacts"
                value={contactIds}
                onChange={(e) => setContactIds(e.target.value)}
                rows={3}
                className={`${input} font-mono`}
              />
            </div>
          )}
          <div className="flex flex-wrap items-end gap-4 text-sm">
            <div>
              <label htmlFor="cw-days" className={label}>
                Last message from them within (days)
              </label>
              <input
                id="cw-days"
                type="number"
                min={1}
                value={withinDays}
                onChange={(e) => setWithinDays(e.target.value)}
                placeholder="any time"
                className={`${input} w-32`}
              />
            </div>
            <label className="flex items-center gap-2 pb-1.5">
              <input type="checkbox" checked={hasPhone} onChange={(e) => setHasPhone(e.target.checked)} />
              Only contacts with a phone number
            </label>
            <div>
              <label htmlFor="cw-exclude-label" className={label}>
                Leave out contacts labelled
              </label>
              <select
                id="cw-exclude-label"
                value={excludeLabelId}
                onChange={(e) => setExcludeLabelId(e.target.value)}
                className={`${input} w-48`}
              >
                <option value="">Nobody</option>
                {audiences.data?.labels
                  .filter((l) => source !== "label" || l.id !== labelId)
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </select>
            </div>
          </div>
          <AttributeConditions
            drafts={conditions}
            onChange={setConditions}
            definitions={attributeDefinitions.data?.data ?? []}
          />
        </section>
      )}

      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h3 className="mb-2 text-sm font-semibold">Estimate</h3>
        {estimate.error ? (
          <p data-testid="estimate-error" className="text-sm text-red-700">
            {estimate.error.message}
          </p>
        ) : (
          <EstimateCard estimate={estimate.data} loading={estimate.isFetching} />
        )}
      </section>

      <section className="space-y-2 text-sm">
        <h3 className="text-sm font-semibold">When</h3>
        <label className="flex items-center gap-2">
          <input type="radio" name="cw-when" checked={when === "now"} onChange={() => setWhen("now")} />
          Send now
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="cw-when" checked={when === "later"} onChange={() => setWhen("later")} />
          Schedule for
          <input
            type="datetime-local"
            aria-label="Scheduled time"
            value={scheduledAt}
            onChange={(e) => {
              setScheduledAt(e.target.value);
              setWhen("later");
            }}
            className="rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        </label>
      </section>

      {submit.error && (
        <p data-testid="wizard-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error && typeof error.details.field === "string" ? `${error.details.field}: ` : ""}
          {submit.error.message}
        </p>
      )}
      <div className="flex items-center gap-2">
        <button
          type="submit"
          data-testid="campaign-submit"
          disabled={submit.isPending || !templateId || (when === "later" && !scheduledAt)}
          className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
        >
          {submit.isPending ? "Saving…" : when === "later" ? "Schedule campaign" : "Create and send now"}
        </button>
        <button
          type="button"
          data-testid="campaign-save-draft"
          disabled={submit.isPending || !templateId}
          onClick={() => submit.mutate("draft")}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60"
        >
          Save as draft
        </button>
        {template && (
          <span className={`${badge} bg-sky-100 text-sky-800`} data-testid="wizard-category">
            {template.category}
          </span>
        )}
      </div>
    </form>
  );
}
