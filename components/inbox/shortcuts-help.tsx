"use client";

import { Dialog } from "./dialog";

export const SHORTCUTS: [keys: string, what: string][] = [
  ["j / ↓", "Next conversation in the list"],
  ["k / ↑", "Previous conversation"],
  ["Enter", "Open the highlighted conversation"],
  ["r", "Reply to the customer"],
  ["n", "Write a private note"],
  ["e", "Resolve"],
  ["a", "Assign to me"],
  ["s", "Snooze…"],
  ["i", "Show or hide the contact details"],
  ["/", "Search (in a conversation you clicked: the composer)"],
  ["Ctrl / ⌘ K", "Command palette"],
  ["?", "This list"],
  ["Esc", "Close a menu or dialog, leave a field"],
];

/** "?": every shortcut, in one place. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog label="Keyboard shortcuts" onClose={onClose} testId="shortcuts-help">
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-700">
        <h2 className="text-sm font-semibold">Keyboard shortcuts</h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close"
          className="rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
        >
          ✕
        </button>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 px-4 py-3 text-sm">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs dark:border-slate-600 dark:bg-slate-900">
                {keys}
              </kbd>
            </dt>
            <dd className="text-slate-700 dark:text-slate-200">{what}</dd>
          </div>
        ))}
      </dl>
      <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        Shortcuts never fire while you type in a field.
      </p>
    </Dialog>
  );
}
