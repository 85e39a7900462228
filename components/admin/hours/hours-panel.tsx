"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "@/lib/client/api";
import { buttonClass, ErrorNote, inputClass } from "@/components/admin/people/shared";
import { errorField, useBusinessHours } from "@/components/admin/routing/options";
import { adminKeys, type BusinessHours, type Weekday } from "@/components/admin/routing/types";

const DAYS: { key: Weekday; label: string }[] = [
  { key: "mon", label: "Monday" },
  { key: "tue", label: "Tuesday" },
  { key: "wed", label: "Wednesday" },
  { key: "thu", label: "Thursday" },
  { key: "fri", label: "Friday" },
  { key: "sat", label: "Saturday" },
  { key: "sun", label: "Sunday" },
];

type Draft = Omit<BusinessHours, "id">;

const OFFICE: Draft = {
  name: "",
  timezone: "UTC",
  weekly: Object.fromEntries(
    DAYS.slice(0, 5).map((d) => [d.key, [["09:00", "17:00"]]]),
  ) as BusinessHours["weekly"],
  holidays: [],
};

/** Opening hours (weekly ranges in a time zone, plus holidays) used by SLA clocks and routing rules. */
export function HoursPanel() {
  const queryClient = useQueryClient();
  const hours = useBusinessHours();
  const [editing, setEditing] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: Draft }) =>
      api<BusinessHours>(id ? `/api/v1/business-hours/${id}` : "/api/v1/business-hours", {
        method: id ? "PUT" : "POST",
        body: JSON.stringify(body),
      }),
    onSuccess: () => {
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: adminKeys.hours });
    },
  });
  const list = hours.data ?? [];
  const open = (id: string | null) => {
    save.reset();
    setEditing(id);
  };
  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="max-w-4xl">
        <div className="flex items-center justify-between">
          <h1 className="text-lg font-semibold">Business hours</h1>
          {editing === null && (
            <button type="button" className={buttonClass()} onClick={() => open("new")}>
              Add business hours
            </button>
          )}
        </div>
        <p className="mt-1 text-sm text-slate-500">
          SLA clocks only run while open, and routing rules can send out-of-hours handoffs elsewhere. Days
          without hours, and holidays, are closed all day.
        </p>
        {editing === "new" && (
          <HoursForm
            initial={OFFICE}
            pending={save.isPending}
            error={save.error}
            onSubmit={(body) => save.mutate({ id: null, body })}
            onCancel={() => setEditing(null)}
          />
        )}
        <ErrorNote error={hours.error} />
        {hours.isPending && <p className="mt-3 text-sm text-slate-500">Loading…</p>}
        {hours.data && list.length === 0 && editing !== "new" && (
          <p className="mt-3 rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500">
            No business hours yet: SLA clocks count every minute of the day.
          </p>
        )}
        <ul className="mt-3 space-y-2">
          {list.map((h) =>
            editing === h.id ? (
              <li key={h.id}>
                <HoursForm
                  initial={h}
                  pending={save.isPending}
                  error={save.error}
                  onSubmit={(body) => save.mutate({ id: h.id, body })}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <li
                key={h.id}
                className="flex items-start justify-between gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
                data-testid="business-hours"
              >
                <div>
                  <p className="font-medium">
                    {h.name} <span className="text-xs font-normal text-slate-500">· {h.timezone}</span>
                  </p>
                  <p className="text-slate-600">{summarize(h)}</p>
                  {h.holidays.length > 0 && (
                    <p className="text-xs text-slate-500">
                      Closed on{" "}
                      {h.holidays.map((d) => (d.name ? `${d.date} (${d.name})` : d.date)).join(", ")}
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  aria-label={`Edit ${h.name}`}
                  onClick={() => open(h.id)}
                >
                  Edit
                </button>
              </li>
            ),
          )}
        </ul>
      </div>
    </div>
  );
}

function HoursForm({
  initial,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: Draft;
  pending: boolean;
  error: unknown;
  onSubmit: (body: Draft) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>({
    name: initial.name,
    timezone: initial.timezone,
    weekly: initial.weekly,
    holidays: initial.holidays,
  });
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf("timeZone");
    } catch {
      return [];
    }
  }, []);
  const bad = errorField(error);
  const setDay = (day: Weekday, ranges: [string, string][]) =>
    setDraft((d) => {
      const weekly = { ...d.weekly };
      if (ranges.length === 0) delete weekly[day];
      else weekly[day] = ranges;
      return { ...d, weekly };
    });
  return (
    <form
      className="mt-3 space-y-4 rounded-lg border border-emerald-200 bg-emerald-50/40 p-4"
      aria-label="Business hours form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ ...draft, holidays: draft.holidays.map((h) => (h.name ? h : { date: h.date })) });
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="space-y-1 text-xs font-medium text-slate-600">
          <span className="block">Name</span>
          <input
            aria-label="Name"
            aria-invalid={bad === "name" || undefined}
            className={inputClass}
            value={draft.name}
            placeholder="e.g. Madrid office"
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label className="space-y-1 text-xs font-medium text-slate-600">
          <span className="block">Time zone</span>
          <input
            aria-label="Time zone"
            aria-invalid={bad === "timezone" || undefined}
            className={inputClass}
            list="time-zones"
            value={draft.timezone}
            onChange={(e) => setDraft({ ...draft, timezone: e.target.value })}
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </label>
      </div>
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">Weekly hours</legend>
        <table className="mt-1 text-sm">
          <tbody>
            {DAYS.map(({ key, label }) => {
              const ranges = draft.weekly[key] ?? [];
              return (
                <tr key={key} className="align-top" data-testid={`day-${key}`}>
                  <td className="w-28 py-1">
                    <label className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        aria-label={`Open on ${label}`}
                        checked={ranges.length > 0}
                        onChange={(e) => setDay(key, e.target.checked ? [["09:00", "17:00"]] : [])}
                      />
                      {label}
                    </label>
                  </td>
                  <td className="py-1">
                    {ranges.length === 0 && <span className="text-slate-400">Closed</span>}
                    {ranges.map(([from, to], i) => (
                      <div key={i} className="mb-1 flex items-center gap-1">
                        <input
                          type="time"
                          aria-label={`${label} opens`}
                          aria-invalid={bad?.startsWith(`weekly.${key}`) || undefined}
                          className={`${inputClass} w-28`}
                          value={from}
                          onChange={(e) =>
                            setDay(
                              key,
                              ranges.map((r, j): [string, string] => (j === i ? [e.target.value, r[1]] : r)),
                            )
                          }
                        />
                        <span>–</span>
                        <input
                          type="time"
                          aria-label={`${label} closes`}
                          aria-invalid={bad?.startsWith(`weekly.${key}`) || undefined}
                          className={`${inputClass} w-28`}
                          value={to}
                          onChange={(e) =>
                            setDay(
                              key,
                              ranges.map((r, j): [string, string] => (j === i ? [r[0], e.target.value] : r)),
                            )
                          }
                        />
                        <button
                          type="button"
                          className={buttonClass("ghost")}
                          aria-label={`Remove ${label} range ${i + 1}`}
                          onClick={() =>
                            setDay(
                              key,
                              ranges.filter((_, j) => j !== i),
                            )
                          }
                        >
                          ×
                        </button>
                      </div>
                    ))}
                    {ranges.length > 0 && ranges.length < 4 && (
                      <button
                        type="button"
                        className="text-xs text-emerald-700 hover:underline"
                        onClick={() => setDay(key, [...ranges, ["13:00", "17:00"]])}
                      >
                        + add a range (e.g. after lunch)
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend className="text-xs font-medium text-slate-600">Holidays (closed all day)</legend>
        {draft.holidays.length === 0 && <p className="text-sm text-slate-400">None</p>}
        {draft.holidays.map((h, i) => (
          <div key={i} className="mt-1 flex items-center gap-1">
            <input
              type="date"
              aria-label={`Holiday ${i + 1} date`}
              aria-invalid={bad?.startsWith(`holidays.${i}`) || undefined}
              className={`${inputClass} w-40`}
              value={h.date}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  holidays: draft.holidays.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)),
                })
              }
            />
            <input
              aria-label={`Holiday ${i + 1} name`}
              className={`${inputClass} w-56`}
              placeholder="e.g. Christmas"
              value={h.name ?? ""}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  holidays: draft.holidays.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)),
                })
              }
            />
            <button
              type="button"
              className={buttonClass("ghost")}
              aria-label={`Remove holiday ${i + 1}`}
              onClick={() => setDraft({ ...draft, holidays: draft.holidays.filter((_, j) => j !== i) })}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="mt-1 text-xs text-emerald-700 hover:underline"
          onClick={() => setDraft({ ...draft, holidays: [...draft.holidays, { date: "", name: "" }] })}
        >
          + add a holiday
        </button>
      </fieldset>
      <ErrorNote error={error} />
      <div className="flex gap-2">
        <button type="submit" className={buttonClass()} disabled={pending}>
          Save business hours
        </button>
        <button type="button" className={buttonClass("ghost")} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00" */
function summarize(h: BusinessHours): string {
  const groups: { days: string[]; text: string }[] = [];
  for (const { key, label } of DAYS) {
    const ranges = h.weekly[key];
    if (!ranges?.length) continue;
    const text = ranges.map(([a, b]) => `${a}–${b}`).join(", ");
    const last = groups.at(-1);
    const previous = DAYS[DAYS.findIndex((d) => d.key === key) - 1]?.label.slice(0, 3);
    if (last && last.text === text && last.days.at(-1) === previous) last.days.push(label.slice(0, 3));
    else groups.push({ days: [label.slice(0, 3)], text });
  }
  if (groups.length === 0) return "Closed every day";
  return groups
    .map((g) => `${g.days.length > 2 ? `${g.days[0]}–${g.days.at(-1)}` : g.days.join(", ")} ${g.text}`)
    .join(" · ");
}
