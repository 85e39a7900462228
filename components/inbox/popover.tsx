"use client";

import { useCallback, useEffect, useId, useImperativeHandle, useRef, useState, type Ref } from "react";

// A menu button with its panel: opens on click (or from a shortcut), focuses the first item, arrow keys
// move between items, Escape and a click outside close it and give focus back to the button.

export type PopoverHandle = { open(): void; close(): void };

type Props = {
  label: string;
  /** What the button shows; defaults to the label. */
  button?: React.ReactNode;
  buttonClassName?: string;
  buttonTestId?: string;
  panelTestId?: string;
  align?: "left" | "right";
  disabled?: boolean;
  title?: string;
  ref?: Ref<PopoverHandle>;
  children: (close: () => void) => React.ReactNode;
};

export function Popover({
  label,
  button,
  buttonClassName,
  buttonTestId,
  panelTestId,
  align = "left",
  disabled,
  title,
  ref,
  children,
}: Props) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const id = useId();
  const close = useCallback((refocus = true) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  }, []);

  useImperativeHandle(ref, () => ({ open: () => setOpen(true), close: () => close() }), [close]);

  useEffect(() => {
    if (!open) return;
    const first = panel.current?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    function onPointer(event: PointerEvent) {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !trigger.current?.contains(target)) close(false);
    }
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open, close]);

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const target = event.target as HTMLElement;
    if (target.tagName === "INPUT" && (target as HTMLInputElement).type !== "checkbox") return;
    const items = Array.from(panel.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
    if (items.length === 0) return;
    event.preventDefault();
    const index = items.indexOf(document.activeElement as HTMLElement);
    const next = event.key === "ArrowDown" ? index + 1 : index - 1;
    items[(next + items.length) % items.length]?.focus();
  }

  return (
    <div className="relative">
      <button
        ref={trigger}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={typeof button === "string" || !button ? undefined : label}
        title={title}
        disabled={disabled}
        data-testid={buttonTestId}
        onClick={() => setOpen((o) => !o)}
        className={
          buttonClassName ??
          "rounded-md border border-slate-200 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800"
        }
      >
        {button ?? label}
      </button>
      {open && (
        <div
          ref={panel}
          id={id}
          role="menu"
          aria-label={label}
          data-testid={panelTestId}
          onKeyDown={onKeyDown}
          className={`absolute top-full z-30 mt-1 max-h-96 min-w-52 overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900 ${
            align === "right" ? "right-0" : "left-0"
          }`}
        >
          {children(() => close())}
        </div>
      )}
    </div>
  );
}

const FOCUSABLE = '[role^="menuitem"], button:not([disabled]), input, select, textarea, [tabindex="0"]';

/** One row of a menu. */
export function MenuItem({
  onSelect,
  children,
  checked,
  testId,
  disabled,
}: {
  onSelect: () => void;
  children: React.ReactNode;
  /** Set for a checkbox item (labels) or a radio item (priority). */
  checked?: boolean;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      role={checked === undefined ? "menuitem" : "menuitemcheckbox"}
      aria-checked={checked}
      data-testid={testId}
      disabled={disabled}
      onClick={onSelect}
      className="flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm text-slate-800 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none disabled:opacity-50 dark:text-slate-100 dark:hover:bg-slate-800"
    >
      {checked !== undefined && (
        <span aria-hidden className="w-4 text-emerald-700">
          {checked ? "✓" : ""}
        </span>
      )}
      {children}
    </button>
  );
}

export function MenuHeading({ children }: { children: React.ReactNode }) {
  return (
    <p className="px-3 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-slate-500 uppercase dark:text-slate-400">
      {children}
    </p>
  );
}
