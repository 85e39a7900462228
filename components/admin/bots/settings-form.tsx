"use client";

import { LIMITS, WEEKDAYS, type BusinessHours, type FlowSettings } from "@/lib/bots/schemas";
import {
  Field,
  inputClass,
  LocalTextInput,
  Problems,
  smallButton,
  WordsInput,
  type Issues,
} from "./form-parts";

const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

function nineToFive(): BusinessHours {
  return {
    timezone: browserTimeZone(),
    weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])),
    holidays: [],
  };
}

/** The flow's settings: languages, handoff keywords and failures, default texts, business hours. */
export function SettingsForm({
  settings,
  issues,
  onChange,
}: {
  settings: FlowSettings;
  issues: Issues;
  onChange: (settings: FlowSettings) => void;
}) {
  const languages = settings.languages ?? [];
  const p = "settings";
  const common = { languages, issues };
  return (
    <div className="space-y-4" data-testid="settings-form">
      <WordsInput
        label="Languages"
        value={languages}
        issues={issues}
        path={`${p}.languages`}
        placeholder="e.g. en, es (the first is the default)"
        onChange={(list) =>
          onChange({ ...settings, languages: list.length ? list.map((l) => l.toLowerCase()) : undefined })
        }
      />
      <div className="grid grid-cols-[1fr_10rem] gap-3">
        <WordsInput
          label="Handoff keywords"
          value={settings.handoffKeywords}
          issues={issues}
          path={`${p}.handoffKeywords`}
          placeholder="agent, human"
          onChange={(handoffKeywords) => onChange({ ...settings, handoffKeywords })}
        />
        <Field label="Wrong answers before handoff" issues={issues} path={`${p}.maxFailures`}>
          <input
            type="number"
            min={1}
            max={10}
            aria-label="Wrong answers before handoff"
            value={settings.maxFailures}
            onChange={(e) => onChange({ ...settings, maxFailures: Number(e.target.value) })}
            className={inputClass}
          />
        </Field>
      </div>
      <p className="-mt-2 text-xs text-slate-500">
        A keyword hands off when it is the whole message, in any case and with or without accents.
      </p>
      <LocalTextInput
        {...common}
        optional
        label="Retry text"
        path={`${p}.retryText`}
        value={settings.retryText}
        max={LIMITS.text}
        onChange={(retryText) => onChange({ ...settings, retryText })}
        placeholder="Sorry, I didn't get that."
      />
      <LocalTextInput
        {...common}
        optional
        label="Handoff text"
        path={`${p}.handoffText`}
        value={settings.handoffText}
        max={LIMITS.text}
        multiline
        onChange={(handoffText) => onChange({ ...settings, handoffText })}
        placeholder="Sent on a keyword or after too many wrong answers"
      />
      <Field
        label="Handoff summary"
        hint="for keyword / wrong-answer handoffs; {{fields.x}}, {{message}}"
        issues={issues}
        path={`${p}.handoffSummary`}
      >
        <input
          aria-label="Handoff summary"
          value={settings.handoffSummary ?? ""}
          onChange={(e) => onChange({ ...settings, handoffSummary: e.target.value || undefined })}
          className={inputClass}
        />
      </Field>

      <section className="space-y-3 rounded-md border border-slate-200 p-3">
        <div className="flex items-center justify-between">
          <h3 className="text-sm font-medium">Business hours</h3>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={settings.businessHours !== undefined}
              onChange={(e) =>
                onChange({ ...settings, businessHours: e.target.checked ? nineToFive() : undefined })
              }
            />
            Use business hours
          </label>
        </div>
        {settings.businessHours ? (
          <>
            <HoursEditor
              hours={settings.businessHours}
              issues={issues}
              onChange={(businessHours) => onChange({ ...settings, businessHours })}
            />
            <LocalTextInput
              {...common}
              label="Away message"
              path={`${p}.awayMessage`}
              value={settings.awayMessage}
              max={LIMITS.text}
              multiline
              optional
              onChange={(awayMessage) => onChange({ ...settings, awayMessage })}
            />
            <Field label="After the away message" issues={issues} path={`${p}.outsideHours`}>
              <select
                aria-label="After the away message"
                value={settings.outsideHours ?? "continue"}
                onChange={(e) =>
                  onChange({ ...settings, outsideHours: e.target.value as FlowSettings["outsideHours"] })
                }
                className={inputClass}
              >
                <option value="continue">Carry on with the flow</option>
                <option value="handoff">Hand off to a person (they answer when back)</option>
                <option value="end">End the bot</option>
              </select>
            </Field>
          </>
        ) : (
          <p className="text-xs text-slate-500">
            Without business hours the bot treats every moment as open.
          </p>
        )}
      </section>
    </div>
  );
}

function HoursEditor({
  hours,
  issues,
  onChange,
}: {
  hours: BusinessHours;
  issues: Issues;
  onChange: (hours: BusinessHours) => void;
}) {
  const p = "settings.businessHours";
  const setDay = (day: string, ranges: [string, string][]) => {
    const weekly = { ...hours.weekly };
    if (ranges.length) weekly[day] = ranges;
    else delete weekly[day];
    onChange({ ...hours, weekly });
  };
  return (
    <div className="space-y-2">
      <Field label="Time zone" hint="IANA, e.g. Europe/Madrid" issues={issues} path={`${p}.timezone`}>
        <input
          aria-label="Time zone"
          list="bot-time-zones"
          value={hours.timezone}
          onChange={(e) => onChange({ ...hours, timezone: e.target.value })}
          className={inputClass}
        />
        <datalist id="bot-time-zones">
          {timeZones().map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
      </Field>
      <table className="w-full text-sm">
        <tbody>
          {WEEKDAYS.map((day) => {
            const ranges = hours.weekly[day] ?? [];
            return (
              <tr key={day} className="align-top">
                <td className="w-28 py-1 text-slate-600">{DAY_NAMES[day]}</td>
                <td className="space-y-1 py-1">
                  {ranges.length === 0 && <span className="text-xs text-slate-400">Closed</span>}
                  {ranges.map(([from, to], i) => (
                    <div key={i} className="flex items-center gap-1">
                      <input
                        type="time"
                        aria-label={`${DAY_NAMES[day]} opens`}
                        value={from}
                        onChange={(e) =>
                          setDay(
                            day,
                            ranges.map((r, j) => (j === i ? [e.target.value, r[1]] : r)),
                          )
                        }
                        className="rounded border border-slate-300 px-1"
                      />
                      –
                      <input
                        type="time"
                        aria-label={`${DAY_NAMES[day]} closes`}
                        value={to === "24:00" ? "23:59" : to}
                        onChange={(e) =>
                          setDay(
                            day,
                            ranges.map((r, j) => (j === i ? [r[0], e.target.value] : r)),
                          )
                        }
                        className="rounded border border-slate-300 px-1"
                      />
                      {to <= from && <span className="text-xs text-slate-500">(next day)</span>}
                      <button
                        type="button"
                        aria-label="Remove hours"
                        className="px-1 text-xs text-slate-500 hover:text-red-700"
                        onClick={() =>
                          setDay(
                            day,
                            ranges.filter((_, j) => j !== i),
                          )
                        }
                      >
                        ✕
                      </button>
                    </div>
                  ))}
                  <Problems issues={issues} path={`${p}.weekly.${day}`} deep />
                </td>
                <td className="w-20 py-1 text-right">
                  <button
                    type="button"
                    className={smallButton}
                    onClick={() => setDay(day, [...ranges, ["09:00", "17:00"]])}
                  >
                    Add hours
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="space-y-1">
        <div className="flex items-center justify-between">
          <h4 className="text-xs font-medium text-slate-600">Holidays (closed all day)</h4>
          <button
            type="button"
            className={smallButton}
            onClick={() => onChange({ ...hours, holidays: [...hours.holidays, { date: "" }] })}
          >
            Add holiday
          </button>
        </div>
        {hours.holidays.map((h, i) => (
          <div key={i}>
            <div className="flex items-center gap-2">
              <input
                type="date"
                aria-label={`Holiday ${i + 1} date`}
                value={h.date}
                onChange={(e) =>
                  onChange({
                    ...hours,
                    holidays: hours.holidays.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)),
                  })
                }
                className="rounded border border-slate-300 px-1 text-sm"
              />
              <input
                aria-label={`Holiday ${i + 1} name`}
                placeholder="Name"
                value={h.name ?? ""}
                onChange={(e) =>
                  onChange({
                    ...hours,
                    holidays: hours.holidays.map((x, j) =>
                      j === i ? { ...x, name: e.target.value || undefined } : x,
                    ),
                  })
                }
                className={inputClass}
              />
              <button
                type="button"
                aria-label={`Remove holiday ${i + 1}`}
                className="px-1 text-xs text-slate-500 hover:text-red-700"
                onClick={() => onChange({ ...hours, holidays: hours.holidays.filter((_, j) => j !== i) })}
              >
                ✕
              </button>
            </div>
            <Problems issues={issues} path={`${p}.holidays.${i}`} deep />
          </div>
        ))}
      </div>
    </div>
  );
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.("timeZone") ?? ["UTC"];
}
