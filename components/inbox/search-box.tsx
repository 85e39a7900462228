"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";
import { searchInbox, type SearchResults } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import { shortTime } from "@/lib/utils/format";
import { markMatches, type Segment } from "./highlight";

export type SearchHandle = { focus(): void };

type Hit =
  | { kind: "contact"; key: string; conversationId: string; item: SearchResults["contacts"][number] }
  | { kind: "message"; key: string; conversationId: string; item: SearchResults["messages"][number] };

/** The search box over the list: contacts and message text, results as you type, Enter opens. */
export function SearchBox({
  onOpen,
  ref,
}: {
  onOpen: (conversationId: string) => void;
  ref?: Ref<SearchHandle>;
}) {
  const [text, setText] = useState("");
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();

  useImperativeHandle(ref, () => ({
    focus: () => {
      input.current?.focus();
      input.current?.select();
    },
  }));

  // A short pause before asking, so each keystroke does not cost a full-text query.
  useEffect(() => {
    const q = text.trim();
    const timer = setTimeout(() => setQuery(q.length >= 2 ? q : ""), 200);
    return () => clearTimeout(timer);
  }, [text]);

  const results = useQuery({
    queryKey: queryKeys.conversations.search(query),
    queryFn: ({ signal }) => searchInbox(query, signal),
    enabled: query.length >= 2,
    staleTime: 10_000,
  });
  const hits: Hit[] = results.data
    ? [
        ...results.data.contacts.map((item): Hit => ({
          kind: "contact",
          key: `c:${item.conversation_id}`,
          conversationId: item.conversation_id,
          item,
        })),
        ...results.data.messages.map((item): Hit => ({
          kind: "message",
          key: `m:${item.id}`,
          conversationId: item.conversation_id,
          item,
        })),
      ]
    : [];
  const showing = open && query.length >= 2;

  useEffect(() => setActive(0), [query]);

  function choose(hit: Hit | undefined) {
    if (!hit) return;
    onOpen(hit.conversationId);
    setOpen(false);
    input.current?.blur();
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      if (showing) setOpen(false);
      else {
        setText("");
        input.current?.blur();
      }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!hits.length) return;
      event.preventDefault();
      setOpen(true);
      setActive((i) => (i + (event.key === "ArrowDown" ? 1 : -1) + hits.length) % hits.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(hits[active]);
    }
  }

  const activeHit = showing ? hits[active] : undefined;
  return (
    <div className="relative px-3 pb-2">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-label="Search conversations"
        aria-expanded={showing}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeHit ? `${listId}-${activeHit.key}` : undefined}
        data-testid="search-input"
        placeholder="Search names, numbers, messages  ( / )"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 text-sm outline-none focus:border-emerald-500 focus:bg-white dark:border-slate-600 dark:bg-slate-900"
      />
      {showing && (
        <div
          id={listId}
          role="listbox"
          aria-label="Search results"
          data-testid="search-results"
          className="absolute inset-x-3 top-full z-30 max-h-[60vh] overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {results.isPending && (
            <p className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">Searching…</p>
          )}
          {results.error && (
            <p role="alert" className="px-3 py-2 text-xs text-red-700 dark:text-red-400">
              Search failed: {results.error.message}
            </p>
          )}
          {results.data && hits.length === 0 && (
            <p className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">Nothing matches “{query}”</p>
          )}
          {hits.map((hit, index) => (
            <div
              key={hit.key}
              id={`${listId}-${hit.key}`}
              role="option"
              aria-selected={index === active}
              data-testid={hit.kind === "contact" ? "search-contact" : "search-message"}
              onPointerDown={(event) => event.preventDefault()}
              onClick={() => choose(hit)}
              onPointerEnter={() => setActive(index)}
              className={`cursor-pointer px-3 py-1.5 text-sm ${index === active ? "bg-emerald-50" : ""}`}
            >
              {hit.kind === "contact" ? (
                <>
                  <p className="truncate font-medium">
                    <Highlighted segments={markMatches(hit.item.name, query)} />
                  </p>
                  <p className="truncate text-xs text-slate-500 dark:text-slate-400">
                    <Highlighted
                      segments={markMatches(
                        [hit.item.phone && `+${hit.item.phone}`, hit.item.username && `@${hit.item.username}`]
                          .filter(Boolean)
                          .join(" · ") || hit.item.number,
                        query,
                      )}
                    />
                  </p>
                </>
              ) : (
                <>
                  <p className="flex justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
                    <span className="truncate font-medium text-slate-700 dark:text-slate-200">
                      {hit.item.contact_name}
                    </span>
                    <span className="shrink-0">{shortTime(hit.item.timestamp)}</span>
                  </p>
                  <p className="line-clamp-2 text-xs text-slate-700 dark:text-slate-200">
                    <Highlighted segments={hit.item.highlight} />
                  </p>
                </>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Search hits as text nodes inside <mark>: the server's text is never parsed as HTML. */
export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((segment, i) =>
        segment.hit ? (
          <mark key={i} className="rounded-sm bg-yellow-200 px-0.5 text-inherit">
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </>
  );
}
