"use client";

import type { ReactNode } from "react";
import { issuesAt, type FlowIssue, type LocalText } from "@/lib/bots/schemas";

// Small form pieces for the flow editor: every field shows the validation issues found at its path.

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus:border-emerald-600 focus:outline-none";
export const smallButton =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-50 disabled:opacity-50";

export type Issues = { errors: FlowIssue[]; warnings: FlowIssue[] };

/** Issues exactly at a path (children are shown by their own fields). */
export function Problems({ issues, path, deep = false }: { issues: Issues; path: string; deep?: boolean }) {
  const pick = (list: FlowIssue[]) => (deep ? issuesAt(list, path) : list.filter((i) => i.path === path));
  const errors = pick(issues.errors);
  const warnings = pick(issues.warnings);
  if (errors.length === 0 && warnings.length === 0) return null;
  return (
    <ul className="mt-0.5 space-y-0.5 text-xs" data-testid="field-issues" data-path={path}>
      {errors.map((e, i) => (
        <li key={`e${i}`} role="alert" className="text-red-700">
          {e.message}
        </li>
      ))}
      {warnings.map((w, i) => (
        <li key={`w${i}`} className="text-amber-700">
          {w.message}
        </li>
      ))}
    </ul>
  );
}

export function Field({
  label,
  hint,
  issues,
  path,
  deep = false,
  children,
}: {
  label: string;
  hint?: string;
  issues: Issues;
  path: string;
  /** Also show the issues of the field's children (e.g. each keyword of a list). */
  deep?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label className="block text-xs font-medium text-slate-600">
        {label}
        {hint && <span className="ml-1 font-normal text-slate-400">{hint}</span>}
      </label>
      {children}
      <Problems issues={issues} path={path} deep={deep} />
    </div>
  );
}

/**
 * A text that may differ per language: one box when the flow has one language or the text is shared,
 * one box per language otherwise. `max` shows a character counter.
 */
export function LocalTextInput({
  label,
  value,
  onChange,
  languages,
  issues,
  path,
  max,
  multiline = false,
  optional = false,
  placeholder,
}: {
  label: string;
  value: LocalText | undefined;
  onChange: (value: LocalText | undefined) => void;
  languages: string[];
  issues: Issues;
  path: string;
  max?: number;
  multiline?: boolean;
  optional?: boolean;
  placeholder?: string;
}) {
  const perLanguage = typeof value === "object" && value !== null;
  const box = (text: string, set: (text: string) => void, at: string, language?: string) => (
    <div key={at}>
      <div className="flex items-start gap-2">
        {language && <span className="mt-1 w-6 shrink-0 text-xs uppercase text-slate-400">{language}</span>}
        {multiline ? (
          <textarea
            aria-label={language ? `${label} (${language})` : label}
            value={text}
            rows={Math.min(6, Math.max(2, text.split("\n").length))}
            placeholder={placeholder}
            onChange={(e) => set(e.target.value)}
            className={inputClass}
          />
        ) : (
          <input
            aria-label={language ? `${label} (${language})` : label}
            value={text}
            placeholder={placeholder}
            onChange={(e) => set(e.target.value)}
            className={inputClass}
          />
        )}
        {max !== undefined && (
          <span
            className={`mt-1 w-12 shrink-0 text-right text-xs ${text.length > max ? "text-red-700" : "text-slate-400"}`}
          >
            {text.length}/{max}
          </span>
        )}
      </div>
      {language && <Problems issues={issues} path={at} />}
    </div>
  );
  const clear = (text: string) => (optional && text === "" ? undefined : text);
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between">
        <label className="block text-xs font-medium text-slate-600">
          {label}
          {optional && <span className="ml-1 font-normal text-slate-400">optional</span>}
        </label>
        {languages.length > 1 && (
          <button
            type="button"
            className="text-xs text-emerald-700 hover:underline"
            onClick={() =>
              perLanguage
                ? onChange(clear(Object.values(value)[0] ?? ""))
                : onChange(Object.fromEntries(languages.map((l) => [l, value ?? ""])))
            }
          >
            {perLanguage ? "Same text for all languages" : "Translate per language"}
          </button>
        )}
      </div>
      {perLanguage
        ? languages.map((language) =>
            box(
              value[language] ?? "",
              (text) => onChange({ ...value, [language]: text }),
              `${path}.${language}`,
              language,
            ),
          )
        : box(value ?? "", (text) => onChange(clear(text)), path)}
      <Problems issues={issues} path={path} />
    </div>
  );
}

/** Picks the next step by id, showing each step's label. */
export function NodeSelect({
  label,
  value,
  onChange,
  nodes,
  issues,
  path,
  allowNone = false,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string) => void;
  nodes: Record<string, { type: string; label?: string }>;
  issues: Issues;
  path: string;
  allowNone?: boolean;
}) {
  const known = value === undefined || value === "" || value in nodes;
  return (
    <Field label={label} issues={issues} path={path}>
      <select
        aria-label={label}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
      >
        <option value="">{allowNone ? "— stay here —" : "— pick a step —"}</option>
        {!known && <option value={value}>{value} (missing)</option>}
        {Object.entries(nodes).map(([id, node]) => (
          <option key={id} value={id}>
            {node.label ? `${node.label} (${id})` : id} · {node.type}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Comma-separated words edited as a list. */
export function WordsInput({
  label,
  value,
  onChange,
  issues,
  path,
  placeholder,
}: {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  issues: Issues;
  path: string;
  placeholder?: string;
}) {
  return (
    <Field label={label} hint="comma-separated" issues={issues} path={path} deep>
      <input
        aria-label={label}
        defaultValue={value.join(", ")}
        placeholder={placeholder}
        // Parsed on blur so typing "a, " doesn't lose the comma mid-word.
        onBlur={(e) =>
          onChange(
            e.target.value
              .split(",")
              .map((w) => w.trim())
              .filter(Boolean),
          )
        }
        className={inputClass}
      />
    </Field>
  );
}
