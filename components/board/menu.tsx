"use client";

import { useEffect, useId, useRef, useState } from "react";

export type MenuItem = {
  key: string;
  label: string;
  hint?: string;
  disabled?: boolean;
  onSelect: () => void;
};

type Props = {
  /** The button's accessible name. */
  label: string;
  button: React.ReactNode;
  items: MenuItem[];
  /** Shown in the open menu when there is nothing to choose. */
  empty?: string;
  buttonClassName?: string;
  testId?: string;
};

/**
 * A menu button (WAI-ARIA menu pattern): Enter, Space or ArrowDown open it on the first item, arrows, Home
 * and End move, Enter picks, Escape or Tab close it and focus returns to the button.
 */
export function Menu({ label, button, items, empty = "Nothing to choose", buttonClassName, testId }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const trigger = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();
  const enabled = items.map((item, i) => (item.disabled ? -1 : i)).filter((i) => i >= 0);

  useEffect(() => {
    if (!open) return;
    list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!list.current?.contains(event.target as Node) && !trigger.current?.contains(event.target as Node))
        setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  };
  const show = (at: "first" | "last") => {
    setActive((at === "first" ? enabled[0] : enabled.at(-1)) ?? 0);
    setOpen(true);
  };
  const move = (step: 1 | -1) => {
    if (enabled.length === 0) return;
    const here = enabled.indexOf(active);
    setActive(enabled[(here + step + enabled.length) % enabled.length]!);
  };

  return (
    <div className="relative inline-block">
      <button
        ref={trigger}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        data-testid={testId}
        onClick={() => (open ? close(false) : show("first"))}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            show(event.key === "ArrowDown" ? "first" : "last");
          }
        }}
        className={buttonClassName}
      >
        {button}
      </button>
      {open && (
        <div
          ref={list}
          id={id}
          role="menu"
          aria-label={label}
          className="absolute right-0 z-20 mt-1 max-h-72 w-60 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
          onKeyDown={(event) => {
            if (event.key === "ArrowDown" || event.key === "ArrowUp") {
              event.preventDefault();
              move(event.key === "ArrowDown" ? 1 : -1);
            } else if (event.key === "Home" || event.key === "End") {
              event.preventDefault();
              setActive((event.key === "Home" ? enabled[0] : enabled.at(-1)) ?? 0);
            } else if (event.key === "Escape") {
              event.preventDefault();
              close(true);
            } else if (event.key === "Tab") {
              close(false);
            }
          }}
        >
          {items.length === 0 && <p className="px-3 py-2 text-slate-500">{empty}</p>}
          {items.map((item, i) => (
            <button
              key={item.key}
              type="button"
              role="menuitem"
              tabIndex={i === active ? 0 : -1}
              aria-disabled={item.disabled || undefined}
              onClick={() => {
                if (item.disabled) return;
                close(true);
                item.onSelect();
              }}
              className="flex w-full items-center justify-between gap-2 px-3 py-1.5 text-left hover:bg-slate-50 focus:bg-emerald-50 focus:outline-none aria-disabled:cursor-not-allowed aria-disabled:text-slate-400"
            >
              <span className="truncate">{item.label}</span>
              {item.hint && <span className="shrink-0 text-xs text-slate-500">{item.hint}</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
