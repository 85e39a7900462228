"use client";

import { useState } from "react";
import { Dialog } from "./dialog";

export type Command = { id: string; label: string; group: string; hint?: string; run: () => void };

/** Cmd/Ctrl+K: type to filter, arrows to move, Enter to run. */
export function CommandPalette({ commands, onClose }: { commands: Command[]; onClose: () => void }) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const q = query.trim().toLowerCase();
  const shown = q ? commands.filter((c) => `${c.group} ${c.label}`.toLowerCase().includes(q)) : commands;
  const current = Math.min(active, Math.max(0, shown.length - 1));

  function run(command: Command | undefined) {
    if (!command) return;
    onClose();
    // After the dialog gave focus back, so a command that focuses something (search) keeps it.
    requestAnimationFrame(() => command.run());
  }

  return (
    <Dialog label="Command palette" onClose={onClose} testId="command-palette">
      <input
        type="text"
        role="combobox"
        aria-label="Type a command"
        aria-expanded="true"
        aria-controls="command-list"
        aria-activedescendant={shown[current] ? `command-${shown[current].id}` : undefined}
        placeholder="Type a command: resolve, snooze, go to mine…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            if (shown.length === 0) return;
            const step = event.key === "ArrowDown" ? 1 : -1;
            setActive((current + step + shown.length) % shown.length);
          } else if (event.key === "Enter") {
            event.preventDefault();
            run(shown[current]);
          }
        }}
        className="w-full rounded-t-xl border-b border-slate-200 px-4 py-3 text-sm outline-none dark:border-slate-700"
      />
      <ul id="command-list" role="listbox" aria-label="Commands" className="max-h-80 overflow-y-auto py-1">
        {shown.length === 0 && (
          <li className="px-4 py-2 text-sm text-slate-500 dark:text-slate-400">No command matches</li>
        )}
        {shown.map((command, index) => (
          <li
            key={command.id}
            id={`command-${command.id}`}
            role="option"
            aria-selected={index === current}
            data-testid="command-option"
            onPointerEnter={() => setActive(index)}
            onClick={() => run(command)}
            className={`flex cursor-pointer items-center justify-between px-4 py-1.5 text-sm ${
              index === current ? "bg-emerald-50" : ""
            }`}
          >
            <span>
              <span className="mr-2 text-xs text-slate-500 dark:text-slate-400">{command.group}</span>
              {command.label}
            </span>
            {command.hint && (
              <kbd className="rounded border border-slate-300 px-1 text-[11px] text-slate-600 dark:border-slate-600 dark:text-slate-300">
                {command.hint}
              </kbd>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
