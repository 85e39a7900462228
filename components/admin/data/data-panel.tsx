"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { NumberDto } from "@/lib/numbers/schemas";
import type { LegalHoldEntryDto, RetentionNumberDto } from "@/lib/retention/schemas";
import { ErrorNote, buttonClass, formatWhen, inputClass } from "../people/shared";

const RETENTION_KEY = ["data", "retention"] as const;
const holdsKey = (q: string) => ["data", "legal-holds", q] as const;

type ImportResult = { created: number; updated: number; errors: { line: number; message: string }[] };

/** Retention per number, legal holds, and contact CSV export/import: each section by its own permission. */
export function DataPanel(props: { retention: boolean; legalHold: boolean; contacts: boolean }) {
  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Data</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        How long messages are kept, what must never be purged, and contact lists in and out. Every change here
        is in the audit log.
      </p>
      {props.retention && <RetentionSection />}
      {props.legalHold && <LegalHoldSection />}
      {props.contacts && <ContactsSection />}
    </div>
  );
}

function RetentionSection() {
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [queued, setQueued] = useState<string | null>(null);
  const numbers = useQuery({
    queryKey: RETENTION_KEY,
    queryFn: () => api<{ data: RetentionNumberDto[] }>("/api/v1/retention").then((r) => r.data),
  });
  const save = useMutation({
    mutationFn: ({ id, days }: { id: string; days: number | null }) =>
      api(`/api/v1/numbers/${id}/retention`, { method: "PUT", body: JSON.stringify({ days }) }),
    onSuccess: (_r, { id }) => {
      setDrafts(({ [id]: _done, ...rest }) => rest);
      void queryClient.invalidateQueries({ queryKey: RETENTION_KEY });
    },
  });
  const purge = useMutation({
    mutationFn: () => api<{ queued: boolean }>("/api/v1/retention/purge", { method: "POST" }),
    onSuccess: (r) =>
      setQueued(
        r.queued
          ? "Purge queued: it runs in the background; refresh to see the result."
          : "A purge is already waiting to run.",
      ),
  });

  return (
    <section aria-labelledby="retention-title" className="mt-6 max-w-4xl">
      <h2 id="retention-title" className="text-base font-semibold">
        Retention
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Messages and media older than the period are purged every hour, except for contacts and conversations
        under legal hold. Empty keeps everything.
      </p>
      <ErrorNote error={numbers.error ?? save.error ?? purge.error} />
      {numbers.isPending && <p className="mt-2 text-sm text-slate-500">Loading…</p>}
      {numbers.data && (
        <table className="mt-3 w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Number</th>
              <th className="py-2 pr-3">Keep for</th>
              <th className="py-2 pr-3">Last purge</th>
            </tr>
          </thead>
          <tbody>
            {numbers.data.map((n) => {
              const draft = drafts[n.id] ?? (n.retention_days === null ? "" : String(n.retention_days));
              const days = draft.trim() === "" ? null : Number(draft);
              const changed = days !== n.retention_days;
              return (
                <tr key={n.id} className="border-b border-slate-100" data-testid="retention-row">
                  <td className="py-2 pr-3 font-mono">{n.display_number}</td>
                  <td className="py-2 pr-3">
                    <form
                      className="flex items-center gap-2"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (
                          days !== null &&
                          (n.retention_days === null || days < n.retention_days) &&
                          !window.confirm(
                            `Messages on ${n.display_number} older than ${days} days will be deleted for good at the next purge. Continue?`,
                          )
                        )
                          return;
                        save.mutate({ id: n.id, days });
                      }}
                    >
                      <input
                        type="number"
                        min={1}
                        max={3650}
                        aria-label={`Retention days for ${n.display_number}`}
                        className={`${inputClass} w-24`}
                        placeholder="forever"
                        value={draft}
                        onChange={(e) => setDrafts({ ...drafts, [n.id]: e.target.value })}
                      />
                      <span className="text-slate-500">days</span>
                      <button
                        type="submit"
                        className={buttonClass("secondary")}
                        disabled={!changed || save.isPending}
                      >
                        Save
                      </button>
                    </form>
                  </td>
                  <td className="py-2 pr-3 text-xs text-slate-600">
                    {n.last_purge
                      ? `${formatWhen(n.last_purge.at)} · ${n.last_purge.messages} messages, ${n.last_purge.notes} notes`
                      : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="mt-3 flex items-center gap-3">
        <button
          type="button"
          className={buttonClass("secondary")}
          disabled={purge.isPending}
          onClick={() => purge.mutate()}
        >
          Run purge now
        </button>
        {queued && (
          <span role="status" className="text-sm text-slate-600">
            {queued}
          </span>
        )}
      </div>
    </section>
  );
}

function LegalHoldSection() {
  const queryClient = useQueryClient();
  const [input, setInput] = useState("");
  const [q, setQ] = useState("");
  const holds = useQuery({
    queryKey: holdsKey(q),
    queryFn: () =>
      api<{ data: LegalHoldEntryDto[] }>(`/api/v1/legal-holds?${new URLSearchParams(q ? { q } : {})}`).then(
        (r) => r.data,
      ),
  });
  const toggle = useMutation({
    mutationFn: ({ kind, id, hold }: { kind: "contacts" | "conversations"; id: string; hold: boolean }) =>
      api(`/api/v1/${kind}/${id}/legal-hold`, { method: "PUT", body: JSON.stringify({ hold }) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["data", "legal-holds"] }),
  });

  return (
    <section aria-labelledby="legal-hold-title" className="mt-8 max-w-4xl">
      <h2 id="legal-hold-title" className="text-base font-semibold">
        Legal hold
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        A contact or conversation under legal hold is never purged, whatever the retention period.
      </p>
      <form
        className="mt-3 flex items-center gap-2"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(input.trim());
        }}
      >
        <input
          className={`${inputClass} max-w-xs`}
          placeholder="Find a contact by name or phone"
          aria-label="Find a contact"
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <button type="submit" className={buttonClass("secondary")}>
          Search
        </button>
        {q && (
          <button
            type="button"
            className={buttonClass("ghost")}
            onClick={() => {
              setInput("");
              setQ("");
            }}
          >
            Show what is on hold
          </button>
        )}
      </form>
      <ErrorNote error={holds.error ?? toggle.error} />
      <p className="mt-3 text-xs uppercase text-slate-500">
        {q ? `Contacts matching “${q}”` : "On hold now"}
      </p>
      {holds.isPending && <p className="mt-2 text-sm text-slate-500">Loading…</p>}
      {holds.data?.length === 0 && (
        <p className="mt-2 text-sm text-slate-500">{q ? "No contact matches." : "Nothing is on hold."}</p>
      )}
      <ul className="mt-2 grid gap-2">
        {holds.data?.map(({ contact, conversations }) => (
          <li
            key={contact.id}
            className="rounded-lg border border-slate-200 bg-white p-3 text-sm"
            data-testid="legal-hold-contact"
          >
            <div className="flex items-center justify-between gap-2">
              <span>
                <span className="font-medium">{contact.name}</span>{" "}
                <span className="font-mono text-xs text-slate-500">{contact.phone}</span>
                {contact.legal_hold && <HoldBadge />}
              </span>
              <button
                type="button"
                className={buttonClass(contact.legal_hold ? "danger" : "secondary")}
                disabled={toggle.isPending}
                onClick={() => toggle.mutate({ kind: "contacts", id: contact.id, hold: !contact.legal_hold })}
              >
                {contact.legal_hold ? "Lift contact hold" : "Hold contact"}
              </button>
            </div>
            <ul className="mt-2 grid gap-1 pl-3">
              {conversations.map((c) => (
                <li
                  key={c.id}
                  className="flex items-center justify-between gap-2"
                  data-testid="legal-hold-conversation"
                >
                  <span className="text-slate-600">
                    Conversation on <span className="font-mono">{c.number}</span> · {c.status}
                    {c.legal_hold && <HoldBadge />}
                  </span>
                  <button
                    type="button"
                    className={buttonClass(c.legal_hold ? "danger" : "ghost")}
                    disabled={toggle.isPending}
                    onClick={() => toggle.mutate({ kind: "conversations", id: c.id, hold: !c.legal_hold })}
                  >
                    {c.legal_hold ? "Lift hold" : "Hold conversation"}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function HoldBadge() {
  return <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">on hold</span>;
}

function ContactsSection() {
  const [numberId, setNumberId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const numbers = useQuery({
    queryKey: ["data", "numbers"],
    queryFn: () => api<{ data: NumberDto[] }>("/api/v1/numbers"),
    select: (r) => r.data,
  });
  const selected = numberId || numbers.data?.[0]?.id || "";
  const upload = useMutation({
    mutationFn: async () =>
      api<ImportResult>(`/api/v1/numbers/${selected}/contacts/import`, {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: await file!.text(),
      }),
  });
  const result = upload.data;

  return (
    <section aria-labelledby="contacts-csv-title" className="mt-8 max-w-4xl">
      <h2 id="contacts-csv-title" className="text-base font-semibold">
        Contacts CSV
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Export a number&apos;s contacts, or import a CSV with a header row: <code>phone</code> (international
        format, required) and <code>name</code>. Known phones get the name as their address-book name.
      </p>
      <ErrorNote error={numbers.error} />
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <label className="text-sm">
          Number
          <select className={inputClass} value={selected} onChange={(e) => setNumberId(e.target.value)}>
            {numbers.data?.map((n) => (
              <option key={n.id} value={n.id}>
                {n.display_number}
              </option>
            ))}
          </select>
        </label>
        {selected && (
          <a
            className={buttonClass("secondary")}
            href={`/api/v1/numbers/${selected}/contacts/export`}
            download
          >
            Export CSV
          </a>
        )}
      </div>
      <form
        aria-label="Import contacts"
        className="mt-3 flex flex-wrap items-center gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (file && selected) upload.mutate();
        }}
      >
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          className="text-sm"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            upload.reset();
          }}
        />
        <button type="submit" className={buttonClass()} disabled={!file || !selected || upload.isPending}>
          {upload.isPending ? "Importing…" : "Import"}
        </button>
      </form>
      <ErrorNote error={upload.error} />
      {result && (
        <div
          role="status"
          className="mt-3 rounded-md border border-slate-200 bg-white p-3 text-sm"
          data-testid="import-result"
        >
          <p>
            <strong>{result.created + result.updated}</strong> rows imported ({result.created} new,{" "}
            {result.updated} updated) · <strong>{result.errors.length}</strong> skipped
          </p>
          {result.errors.length > 0 && (
            <ul className="mt-2 max-h-48 list-disc overflow-y-auto pl-5 text-xs text-red-800">
              {result.errors.map((e) => (
                <li key={e.line}>
                  Line {e.line}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
