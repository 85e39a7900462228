"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { ConsentKeywordDto, ConsentKeywordInput, ConsentStateName } from "@/lib/consent/schemas";
import { ErrorNote, buttonClass, inputClass } from "../people/shared";

const KEY = ["consent", "keywords"] as const;

/**
 * Opt-in/opt-out keywords: a customer message that is exactly one of them records marketing consent.
 * Built-in words can be switched off or changed, and restored to their default; added ones switched off or
 * deleted (the audit log keeps what was there).
 */
export function ConsentPanel() {
  const queryClient = useQueryClient();
  const [keyword, setKeyword] = useState("");
  const [state, setState] = useState<ConsentStateName>("opt_out");
  const [language, setLanguage] = useState("");
  const [filter, setFilter] = useState("");
  const keywords = useQuery({
    queryKey: KEY,
    queryFn: () => api<{ data: ConsentKeywordDto[] }>("/api/v1/consent/keywords").then((r) => r.data),
  });
  const set = useMutation({
    mutationFn: (input: ConsentKeywordInput) =>
      api<{ data: ConsentKeywordDto[] }>("/api/v1/consent/keywords", {
        method: "POST",
        body: JSON.stringify(input),
      }),
    onSuccess: (result) => queryClient.setQueryData(KEY, result.data),
  });
  const remove = useMutation({
    mutationFn: (word: string) =>
      api<{ data: ConsentKeywordDto[] }>(`/api/v1/consent/keywords/${encodeURIComponent(word)}`, {
        method: "DELETE",
      }),
    onSuccess: (result) => queryClient.setQueryData(KEY, result.data),
  });

  const q = filter.trim().toLowerCase();
  const shown = (keywords.data ?? []).filter((k) => !q || k.keyword.includes(q) || k.language === q);
  const groups: [ConsentStateName, string][] = [
    ["opt_out", "Opt-out (stop marketing)"],
    ["opt_in", "Opt-in (resume marketing)"],
  ];

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Consent keywords</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        When a customer&apos;s whole message is one of these words (case, accents and punctuation ignored),
        their marketing consent is recorded. Campaigns only go to contacts who opted in.
      </p>
      <form
        aria-label="Add consent keyword"
        className="mt-4 grid max-w-3xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate(
            { keyword, state, enabled: true, ...(language.trim() ? { language: language.trim() } : {}) },
            { onSuccess: () => setKeyword("") },
          );
        }}
      >
        <label className="text-sm md:col-span-2">
          Keyword
          <input
            className={inputClass}
            value={keyword}
            maxLength={40}
            onChange={(e) => setKeyword(e.target.value)}
            required
          />
        </label>
        <label className="text-sm">
          Meaning
          <select
            className={inputClass}
            value={state}
            onChange={(e) => setState(e.target.value as ConsentStateName)}
          >
            <option value="opt_out">Opt-out</option>
            <option value="opt_in">Opt-in</option>
          </select>
        </label>
        <label className="text-sm">
          Language (optional)
          <input
            className={inputClass}
            value={language}
            maxLength={10}
            placeholder="en"
            onChange={(e) => setLanguage(e.target.value)}
          />
        </label>
        <div className="md:col-span-4">
          <button type="submit" className={buttonClass()} disabled={set.isPending}>
            Add keyword
          </button>
        </div>
      </form>
      <ErrorNote error={set.error ?? remove.error ?? keywords.error} />
      <input
        className={`${inputClass} mt-6 max-w-xs`}
        placeholder="Filter by word or language"
        aria-label="Filter keywords"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {keywords.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      <div className="mt-3 grid max-w-5xl gap-6 md:grid-cols-2">
        {keywords.data &&
          groups.map(([groupState, title]) => (
            <section key={groupState} aria-label={title}>
              <h2 className="text-sm font-semibold">{title}</h2>
              <table className="mt-2 w-full border-collapse text-sm">
                <tbody>
                  {shown
                    .filter((k) => k.state === groupState)
                    .map((k) => (
                      <tr
                        key={k.keyword}
                        className="border-b border-slate-100"
                        data-testid="consent-keyword-row"
                        data-enabled={k.enabled}
                      >
                        <td
                          className={`py-1.5 pr-3 font-mono ${k.enabled ? "" : "text-slate-400 line-through"}`}
                        >
                          {k.keyword}
                        </td>
                        <td className="py-1.5 pr-3 text-xs text-slate-500">{k.language ?? ""}</td>
                        <td className="py-1.5 pr-3 text-xs text-slate-500">
                          {k.builtin ? "built-in" : "added"}
                        </td>
                        <td className="py-1.5 text-right">
                          <button
                            type="button"
                            className={buttonClass(k.enabled ? "ghost" : "secondary")}
                            disabled={set.isPending}
                            onClick={() =>
                              set.mutate({
                                keyword: k.keyword,
                                state: k.state,
                                enabled: !k.enabled,
                                ...(k.language ? { language: k.language } : {}),
                              })
                            }
                          >
                            {k.enabled ? "Turn off" : "Turn on"}
                          </button>
                          {k.customized && (
                            <button
                              type="button"
                              className={`ml-1 ${buttonClass(k.builtin ? "ghost" : "danger")}`}
                              disabled={remove.isPending}
                              onClick={() => {
                                if (
                                  k.builtin ||
                                  window.confirm(
                                    `Delete "${k.keyword}"? Customers sending it will no longer change their consent.`,
                                  )
                                )
                                  remove.mutate(k.keyword);
                              }}
                            >
                              {k.builtin ? "Restore default" : "Delete"}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
          ))}
      </div>
    </div>
  );
}
