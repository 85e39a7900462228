"use client";

import { useState } from "react";
import { buttonClass, ErrorNote, inputClass } from "@/components/admin/people/shared";
import { errorField } from "./options";
import type { BusinessHours, Option, RuleBody, RuleConditions, RoutingRule } from "./types";

type Lists = { teams: Option[]; numbers: Option[]; labels: Option[]; hours: BusinessHours[] };

/**
 * Adds or edits a rule. Every condition is optional, but a rule needs at least one; all of its conditions
 * must hold for it to match.
 */
export function RuleForm({
  rule,
  lists,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  rule?: RoutingRule;
  lists: Lists;
  pending: boolean;
  error: unknown;
  onSubmit: (body: RuleBody) => void;
  onCancel: () => void;
}) {
  const c = rule?.conditions ?? {};
  const [name, setName] = useState(rule?.name ?? "");
  const [teamId, setTeamId] = useState(rule?.team_id ?? "");
  const [active, setActive] = useState(rule?.active ?? true);
  const [numberId, setNumberId] = useState(c.number_id ?? "");
  const [keyword, setKeyword] = useState(c.keyword ?? "");
  const [language, setLanguage] = useState(c.language ?? "");
  const [labelId, setLabelId] = useState(c.label_id ?? "");
  const [fieldName, setFieldName] = useState(c.field?.name ?? "");
  const [fieldEquals, setFieldEquals] = useState(c.field?.equals ?? "");
  const [hoursId, setHoursId] = useState(c.business_hours?.id ?? "");
  const [hoursOpen, setHoursOpen] = useState(c.business_hours?.open ?? false);
  const bad = errorField(error);
  const invalid = (field: string) => (bad === field || bad?.startsWith(`${field}.`) ? true : undefined);

  function submit() {
    const conditions: RuleConditions = {};
    if (numberId) conditions.number_id = numberId;
    if (keyword.trim()) conditions.keyword = keyword;
    if (language.trim()) conditions.language = language;
    if (labelId) conditions.label_id = labelId;
    // Half a field condition is sent as is, so the server names the missing part.
    if (fieldName.trim() || fieldEquals.trim()) conditions.field = { name: fieldName, equals: fieldEquals };
    if (hoursId) conditions.business_hours = { id: hoursId, open: hoursOpen };
    onSubmit({ name, team_id: teamId, active, conditions });
  }

  return (
    <form
      className="mt-3 space-y-3 rounded-lg border border-emerald-200 bg-emerald-50/40 p-4"
      aria-label={rule ? `Edit rule ${rule.name}` : "New routing rule"}
      data-testid="rule-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Labelled label="Rule name">
          <input
            aria-label="Rule name"
            aria-invalid={invalid("name")}
            className={inputClass}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Refunds to Billing"
          />
        </Labelled>
        <Labelled label="Send to team">
          <select
            aria-label="Send to team"
            aria-invalid={invalid("team_id")}
            className={inputClass}
            value={teamId}
            onChange={(e) => setTeamId(e.target.value)}
          >
            <option value="">— pick a team —</option>
            {lists.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Labelled>
      </div>
      <fieldset className="space-y-3" aria-invalid={invalid("conditions")}>
        <legend className="text-xs font-medium text-slate-600">
          When all of these hold (leave a condition empty to ignore it)
        </legend>
        <div className="grid gap-3 sm:grid-cols-3">
          <Labelled label="Number">
            <select
              aria-label="Number"
              aria-invalid={invalid("conditions.number_id")}
              className={inputClass}
              value={numberId}
              onChange={(e) => setNumberId(e.target.value)}
            >
              <option value="">Any number</option>
              {lists.numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Last message contains">
            <input
              aria-label="Keyword"
              aria-invalid={invalid("conditions.keyword")}
              className={inputClass}
              value={keyword}
              onChange={(e) => setKeyword(e.target.value)}
              placeholder="e.g. refund"
            />
          </Labelled>
          <Labelled label="Language">
            <input
              aria-label="Language"
              aria-invalid={invalid("conditions.language")}
              className={inputClass}
              value={language}
              onChange={(e) => setLanguage(e.target.value)}
              placeholder="e.g. es"
            />
          </Labelled>
          <Labelled label="Label">
            <select
              aria-label="Label"
              aria-invalid={invalid("conditions.label_id")}
              className={inputClass}
              value={labelId}
              onChange={(e) => setLabelId(e.target.value)}
            >
              <option value="">Any label</option>
              {lists.labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </Labelled>
          <Labelled label="Collected field">
            <div className="flex items-center gap-1">
              <input
                aria-label="Field name"
                aria-invalid={invalid("conditions.field.name")}
                className={inputClass}
                value={fieldName}
                onChange={(e) => setFieldName(e.target.value)}
                placeholder="topic"
              />
              <span className="text-slate-500">=</span>
              <input
                aria-label="Field value"
                aria-invalid={invalid("conditions.field.equals")}
                className={inputClass}
                value={fieldEquals}
                onChange={(e) => setFieldEquals(e.target.value)}
                placeholder="billing"
              />
            </div>
          </Labelled>
          <Labelled label="Business hours">
            <div className="flex items-center gap-1">
              <select
                aria-label="Business hours"
                aria-invalid={invalid("conditions.business_hours")}
                className={inputClass}
                value={hoursId}
                onChange={(e) => setHoursId(e.target.value)}
              >
                <option value="">Any time</option>
                {lists.hours.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.name}
                  </option>
                ))}
              </select>
              <select
                aria-label="Open or closed"
                className={`${inputClass} w-auto`}
                value={hoursOpen ? "open" : "closed"}
                disabled={!hoursId}
                onChange={(e) => setHoursOpen(e.target.value === "open")}
              >
                <option value="open">open</option>
                <option value="closed">closed</option>
              </select>
            </div>
          </Labelled>
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        Active
      </label>
      <ErrorNote error={error} />
      <div className="flex gap-2">
        <button type="submit" className={buttonClass()} disabled={pending}>
          {rule ? "Save rule" : "Add rule"}
        </button>
        <button type="button" className={buttonClass("ghost")} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One line per condition, as the rules list shows it. */
export function describeConditions(conditions: RuleConditions, lists: Lists): string[] {
  const parts: string[] = [];
  const name = (options: Option[], id: string) => options.find((o) => o.id === id)?.name ?? "(deleted)";
  if (conditions.number_id) parts.push(`number is ${name(lists.numbers, conditions.number_id)}`);
  if (conditions.keyword) parts.push(`message contains "${conditions.keyword}"`);
  if (conditions.language) parts.push(`language is ${conditions.language}`);
  if (conditions.label_id) parts.push(`has label ${name(lists.labels, conditions.label_id)}`);
  if (conditions.field) parts.push(`${conditions.field.name} is "${conditions.field.equals}"`);
  if (conditions.business_hours) {
    const hours = lists.hours.find((h) => h.id === conditions.business_hours!.id)?.name ?? "(deleted)";
    parts.push(`${conditions.business_hours.open ? "during" : "outside"} ${hours}`);
  }
  return parts;
}

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="space-y-1">
      <span className="block text-xs font-medium text-slate-600">{label}</span>
      {children}
    </div>
  );
}
