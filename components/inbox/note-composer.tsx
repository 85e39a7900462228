"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type Ref } from "react";
import { ApiError } from "@/lib/client/api";
import { addNote, type Person } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import { explainSendError } from "@/lib/client/send";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { usePeople, useViewer } from "./inbox-context";
import { insertMention, mentionedIds, mentionQuery, type MentionQuery } from "./mentions";

const NOTE_MAX = 4000;

/** A private note for colleagues: never sent to the customer; "@" mentions notify who is named. */
export function NoteComposer({
  conversation,
  ref,
}: {
  conversation: ConversationSummary;
  ref?: Ref<HTMLTextAreaElement>;
}) {
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const people = usePeople();
  const [text, setText] = useState("");
  const [picked, setPicked] = useState<{ id: string; name: string }[]>([]);
  const [at, setAt] = useState<MentionQuery | null>(null);
  const [index, setIndex] = useState(0);
  const field = useRef<HTMLTextAreaElement | null>(null);

  const save = useMutation({
    mutationFn: () => addNote(conversation.id, text.trim(), mentionedIds(text, picked)),
    onSuccess: () => {
      setText("");
      setPicked([]);
      void queryClient.invalidateQueries({ queryKey: queryKeys.events(conversation.id) });
    },
  });

  const everyone: Person[] = people.data ?? [];
  const matches = at
    ? everyone
        .filter((p) => p.id !== viewer.id && p.name.toLowerCase().includes(at.query.toLowerCase()))
        .slice(0, 8)
    : [];

  function track(value: string, caret: number) {
    setText(value);
    const next = mentionQuery(value, caret);
    setAt(next);
    if (next?.query !== at?.query) setIndex(0);
    if (save.error) save.reset();
  }

  function pick(person: Person) {
    if (!at) return;
    const next = insertMention(text, at, person.name);
    setText(next.text);
    setPicked((list) => [...list, { id: person.id, name: person.name }]);
    setAt(null);
    requestAnimationFrame(() => {
      field.current?.focus();
      field.current?.setSelectionRange(next.caret, next.caret);
    });
  }

  function submit() {
    if (!text.trim() || text.length > NOTE_MAX || save.isPending) return;
    save.mutate();
  }

  const listId = `mentions-${conversation.id}`;
  const pickerOpen = at !== null;
  return (
    <div className="relative">
      {pickerOpen && (
        <div
          id={listId}
          role="listbox"
          aria-label="Mention a colleague"
          data-testid="mention-picker"
          className="absolute bottom-full left-0 z-20 mb-1 max-h-60 w-72 overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {people.isPending && (
            <p className="px-3 py-1.5 text-xs text-slate-500 dark:text-slate-400">Loading people…</p>
          )}
          {people.error && (
            <p className="px-3 py-1.5 text-xs text-red-700 dark:text-red-400">
              Could not load people to mention ({people.error.message})
            </p>
          )}
          {people.data && matches.length === 0 && (
            <p className="px-3 py-1.5 text-xs text-slate-500 dark:text-slate-400">
              Nobody called “{at.query}”
            </p>
          )}
          {matches.map((person, i) => (
            <div
              key={person.id}
              role="option"
              aria-selected={i === index}
              data-testid="mention-option"
              onPointerDown={(event) => event.preventDefault()}
              onClick={() => pick(person)}
              className={`cursor-pointer px-3 py-1.5 text-sm ${i === index ? "bg-amber-100" : ""}`}
            >
              <span className="font-medium">{person.name}</span>{" "}
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {person.role}
                {person.teams.length > 0 && ` · ${person.teams.map((t) => t.name).join(", ")}`}
              </span>
            </div>
          ))}
        </div>
      )}
      <div className="flex items-end gap-2">
        <textarea
          ref={(node) => {
            field.current = node;
            if (typeof ref === "function") ref(node);
            else if (ref) (ref as { current: HTMLTextAreaElement | null }).current = node;
          }}
          data-testid="note-input"
          aria-label="Private note"
          aria-expanded={pickerOpen}
          aria-controls={pickerOpen ? listId : undefined}
          placeholder="Private note: only your team sees it. @ to mention"
          rows={1}
          value={text}
          onChange={(event) => track(event.target.value, event.target.selectionStart)}
          onSelect={(event) => {
            const target = event.currentTarget;
            setAt(mentionQuery(target.value, target.selectionStart));
          }}
          onKeyDown={(event) => {
            if (event.nativeEvent.isComposing) return;
            if (pickerOpen && matches.length > 0) {
              if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                event.preventDefault();
                const step = event.key === "ArrowDown" ? 1 : -1;
                setIndex((i) => (i + step + matches.length) % matches.length);
                return;
              }
              if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
                event.preventDefault();
                pick(matches[index]!);
                return;
              }
            }
            if (event.key === "Escape") {
              event.preventDefault();
              if (pickerOpen) setAt(null);
              else event.currentTarget.blur();
              return;
            }
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey || !event.shiftKey)) {
              event.preventDefault();
              submit();
            }
          }}
          className="field-sizing-content block max-h-40 min-h-10 w-full min-w-0 flex-1 resize-none rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm outline-none focus:border-amber-500 dark:bg-amber-950"
        />
        <button
          type="button"
          data-testid="note-send"
          disabled={!text.trim() || text.length > NOTE_MAX || save.isPending}
          onClick={submit}
          className="mb-0.5 rounded-lg bg-amber-500 px-3 py-2 text-sm font-medium text-white hover:bg-amber-600 disabled:bg-slate-300"
        >
          {save.isPending ? "Saving…" : "Add note"}
        </button>
      </div>
      {text.length > NOTE_MAX - 200 && (
        <p
          className={`mt-0.5 text-right text-[11px] ${text.length > NOTE_MAX ? "text-red-700 dark:text-red-400" : "text-slate-500 dark:text-slate-400"}`}
        >
          {text.length.toLocaleString()} / {NOTE_MAX.toLocaleString()}
        </p>
      )}
      {save.error && (
        <p
          role="alert"
          data-testid="note-error"
          className="mt-1 rounded bg-red-50 px-2 py-1 text-xs text-red-900 dark:bg-red-950 dark:text-red-200"
        >
          {explainNoteError(save.error)}
        </p>
      )}
    </div>
  );
}

/** "mentions: Bea Agent cannot see this conversation" reads better without the field name. */
function explainNoteError(error: unknown): string {
  if (error instanceof ApiError && error.details.field === "mentions")
    return error.message.replace(/^mentions:?\s*/, "");
  return explainSendError(error);
}
