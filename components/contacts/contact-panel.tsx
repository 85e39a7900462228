"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import { fetchContact, fetchContactConsent, fetchTimeline } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { shortTime } from "@/lib/utils/format";
import {
  attributeDraft,
  attributeKeys,
  attributeToApi,
  collectedByBot,
  fieldLabel,
  namesOf,
  notesOf,
  type AttributeDefinition,
} from "./contact-facts";

// The right-hand panel of the inbox: who the customer is (every id WhatsApp gave them, merges included),
// what they agreed to, what the bot learned, and where else we talked to them.

// Under the conversation's messages key: every live nudge for the open conversation (identity change,
// consent, merge) refetches the panel with the thread, and nothing else has to know about it.
const contactKey = (conversationId: string, contactId: string) =>
  [...queryKeys.messages(conversationId), "contact", contactId] as const;

export function ContactPanel({
  conversation,
  onOpenConversation,
  onClose,
}: {
  conversation: ConversationSummary;
  onOpenConversation: (id: string) => void;
  onClose: () => void;
}) {
  const contactId = conversation.contact.id;
  const contact = useQuery({
    queryKey: contactKey(conversation.id, contactId),
    queryFn: () => fetchContact(contactId),
  });
  const consent = useQuery({
    queryKey: [...contactKey(conversation.id, contactId), "consent"],
    queryFn: () => fetchContactConsent(contactId),
  });
  // The same cache as the thread's timeline: no second request.
  const events = useQuery({
    queryKey: queryKeys.events(conversation.id),
    queryFn: () => fetchTimeline(conversation.id),
  });
  const timeline = events.data?.data ?? [];
  const collected = collectedByBot(timeline);
  const notes = notesOf(timeline);
  const c = contact.data;
  const others = (c?.conversations ?? []).filter((t) => t.id !== conversation.id);

  return (
    <aside
      data-testid="contact-panel"
      aria-label="Contact details"
      className="flex h-full w-72 shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white text-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2.5 dark:border-slate-700">
        <h2 className="truncate font-semibold" data-testid="contact-name">
          {c?.name ?? conversation.contact.name}
        </h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Hide contact details"
          title="Hide contact details (i)"
          className="rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800 dark:text-slate-400"
        >
          ×
        </button>
      </div>
      {contact.error && (
        <p role="alert" className="px-4 py-2 text-xs text-red-700 dark:text-red-400">
          Could not load the contact: {contact.error.message}
        </p>
      )}
      <Section title="Identity">
        <dl className="space-y-1" data-testid="contact-identity">
          {c && namesOf(c).map((n) => <Fact key={n.label} label={n.label} value={n.value} />)}
          <Fact label="Phone" value={c?.phone ? `+${c.phone}` : (conversation.contact.phone ?? null)} />
          <Fact label="Username" value={c?.username ? `@${c.username}` : null} />
          <Fact label="BSUID" value={c?.bsuid ?? conversation.contact.bsuid} mono />
          {c?.parent_bsuid && <Fact label="Parent BSUID" value={c.parent_bsuid} mono />}
        </dl>
        {c && c.aliases.length > 0 && (
          <div className="mt-2">
            <p className="text-xs font-medium text-slate-500 dark:text-slate-400">
              Earlier ids (after merges)
            </p>
            <ul data-testid="contact-aliases" className="mt-1 space-y-0.5">
              {c.aliases.map((a) => (
                <li key={`${a.kind}:${a.value}`} className="font-mono text-xs break-all">
                  {a.kind === "phone" ? `+${a.value}` : a.value}
                  <span className="ml-1 font-sans text-slate-500 dark:text-slate-400">
                    ({a.kind.replace("_", " ")})
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Section>
      <Section title="Consent">
        {consent.error ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">Unavailable</p>
        ) : (
          <ul data-testid="contact-consent" className="space-y-0.5">
            {(consent.data?.current ?? []).length === 0 && (
              <li className="text-xs text-slate-500 dark:text-slate-400">Nothing recorded</li>
            )}
            {(consent.data?.current ?? []).map((r) => (
              <li key={r.category} className="flex justify-between gap-2 text-xs">
                <span className="capitalize">{r.category}</span>
                <span
                  className={
                    r.state === "opt_in"
                      ? "text-emerald-700 dark:text-emerald-400"
                      : "text-red-700 dark:text-red-400"
                  }
                >
                  {r.state === "opt_in" ? "Opted in" : "Opted out"}
                </span>
              </li>
            ))}
            {consent.data?.meta_marketing_preference && (
              <li className="text-xs text-slate-500 dark:text-slate-400">
                WhatsApp preference: {consent.data.meta_marketing_preference}
              </li>
            )}
          </ul>
        )}
      </Section>
      <Section title="Attributes">
        <ContactAttributes
          contactId={contactId}
          queryKey={contactKey(conversation.id, contactId)}
          values={(c as { attributes?: Record<string, unknown> } | undefined)?.attributes}
        />
      </Section>
      <Section title="Labels">
        {conversation.labels.length === 0 ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">None</p>
        ) : (
          <ul className="flex flex-wrap gap-1" data-testid="contact-labels">
            {conversation.labels.map((l) => (
              <li
                key={l.id}
                className="rounded-full border px-2 py-0.5 text-xs"
                style={{ borderColor: l.color, color: l.color }}
              >
                {l.name}
              </li>
            ))}
          </ul>
        )}
      </Section>
      {collected && (
        <Section title="Collected by the bot">
          {collected.summary && <p className="mb-1 text-xs">{collected.summary}</p>}
          <dl className="space-y-1" data-testid="contact-collected">
            {collected.fields.map(([key, value]) => (
              <Fact key={key} label={fieldLabel(key)} value={value} />
            ))}
          </dl>
        </Section>
      )}
      <Section title="Other conversations">
        {others.length === 0 ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">None</p>
        ) : (
          <ul data-testid="contact-conversations" className="space-y-1">
            {others.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  onClick={() => onOpenConversation(t.id)}
                  className="flex w-full justify-between gap-2 rounded px-1 py-0.5 text-left text-xs hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                  <span>
                    +{t.number} · <span className="capitalize">{t.status}</span>
                  </span>
                  <span className="text-slate-500 dark:text-slate-400">{shortTime(t.last_message_at)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Private notes">
        {notes.length === 0 ? (
          <p className="text-xs text-slate-500 dark:text-slate-400">None yet (n to add one)</p>
        ) : (
          <ul data-testid="contact-notes" className="space-y-2">
            {notes.map((n) => (
              <li
                key={n.id}
                className="rounded bg-amber-50 px-2 py-1 text-xs dark:bg-amber-950 dark:text-amber-100"
              >
                <p className="font-medium">
                  {n.author} · {shortTime(n.at)}
                </p>
                <p className="break-words whitespace-pre-wrap">{n.body}</p>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </aside>
  );
}

/** Custom attributes (active definitions, in the admins' order), each edited in place by its type. */
function ContactAttributes({
  contactId,
  queryKey,
  values,
}: {
  contactId: string;
  queryKey: readonly unknown[];
  values: Record<string, unknown> | undefined;
}) {
  const definitions = useQuery({
    queryKey: attributeKeys.active,
    queryFn: () => api<{ data: AttributeDefinition[] }>("/api/v1/contact-attributes"),
    staleTime: 60_000,
  });
  if (definitions.error) return <p className="text-xs text-slate-500 dark:text-slate-400">Unavailable</p>;
  const defs = definitions.data?.data ?? [];
  if (definitions.data && defs.length === 0)
    return <p className="text-xs text-slate-500 dark:text-slate-400">None defined</p>;
  return (
    <dl className="space-y-1.5" data-testid="contact-attributes">
      {values &&
        defs.map((def) => (
          <AttributeField
            key={def.id}
            def={def}
            contactId={contactId}
            queryKey={queryKey}
            value={values[def.key]}
          />
        ))}
    </dl>
  );
}

function AttributeField({
  def,
  contactId,
  queryKey,
  value,
}: {
  def: AttributeDefinition;
  contactId: string;
  queryKey: readonly unknown[];
  value: unknown;
}) {
  const queryClient = useQueryClient();
  const stored = attributeDraft(value);
  const [draft, setDraft] = useState(stored);
  // A refetch (another agent's edit, a merge) replaces the draft unless it is being typed over.
  useEffect(() => setDraft(stored), [stored]);
  const save = useMutation({
    mutationFn: (next: unknown) =>
      api<{ attributes: Record<string, unknown> }>(`/api/v1/contacts/${contactId}/attributes`, {
        method: "PUT",
        body: JSON.stringify({ attributes: { [def.key]: next } }),
      }),
    onSuccess: (result) => {
      queryClient.setQueryData(queryKey, (old: object | undefined) =>
        old ? { ...old, attributes: result.attributes } : old,
      );
    },
    onError: () => setDraft(stored),
  });
  const commit = (text: string) => {
    if (text.trim() !== stored) save.mutate(attributeToApi(def, text));
  };
  const id = `attr-${def.key}`;
  const control =
    "w-36 rounded border border-slate-300 px-1.5 py-0.5 text-xs dark:border-slate-600 dark:bg-slate-800";
  return (
    <div data-testid="contact-attribute" data-key={def.key}>
      <div className="flex items-center justify-between gap-3">
        <dt className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
          <label htmlFor={id}>{def.label}</label>
        </dt>
        <dd className="min-w-0 text-right text-xs">
          {def.type === "boolean" ? (
            <input
              id={id}
              type="checkbox"
              checked={value === true}
              disabled={save.isPending}
              onChange={(e) => save.mutate(e.target.checked)}
              className="h-3.5 w-3.5 accent-emerald-700"
            />
          ) : def.type === "select" ? (
            <select
              id={id}
              value={draft}
              disabled={save.isPending}
              onChange={(e) => {
                setDraft(e.target.value);
                commit(e.target.value);
              }}
              className={control}
            >
              <option value="">—</option>
              {/* A value an admin has since removed from the options is still shown, not silently blanked. */}
              {[...def.options, ...(stored && !def.options.includes(stored) ? [stored] : [])].map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              type={def.type === "date" ? "date" : def.type === "number" ? "number" : "text"}
              inputMode={def.type === "number" ? "decimal" : undefined}
              value={draft}
              maxLength={def.type === "text" ? 500 : undefined}
              onChange={(e) => {
                setDraft(e.target.value);
                if (def.type === "date") commit(e.target.value);
              }}
              onBlur={(e) => def.type !== "date" && commit(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") commit(e.currentTarget.value);
                if (e.key === "Escape") setDraft(stored);
                // Keep inbox shortcuts (n, i, …) from firing while typing a value.
                e.stopPropagation();
              }}
              className={control}
            />
          )}
        </dd>
      </div>
      {save.error && (
        <p role="alert" className="mt-0.5 text-right text-xs text-red-700 dark:text-red-400">
          {save.error instanceof ApiError ? save.error.message : "Could not save"}
        </p>
      )}
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="border-b border-slate-100 px-4 py-3 dark:border-slate-800">
      <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
        {title}
      </h3>
      {children}
    </section>
  );
}

function Fact({ label, value, mono }: { label: string; value: string | null; mono?: boolean }) {
  if (!value) return null;
  return (
    <div className="flex justify-between gap-3">
      <dt className="shrink-0 text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`min-w-0 text-right text-xs break-all ${mono ? "font-mono" : ""}`}>{value}</dd>
    </div>
  );
}
