"use client";

import { useEffect, useState } from "react";
import { applyTheme, resolveTheme, THEME_KEY, type Theme } from "./theme";

/** The header's light/dark switch; the choice is kept in this browser. */
export function ThemeToggle() {
  // Unknown until mounted: the server cannot know, and the inline script already set the class.
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => {
    setTheme(document.documentElement.classList.contains("dark") ? "dark" : "light");
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    // Without a stored choice the page follows the system as it changes.
    const follow = () => {
      const next = resolveTheme(window.localStorage.getItem(THEME_KEY), media.matches);
      applyTheme(document.documentElement, next);
      setTheme(next);
    };
    media.addEventListener("change", follow);
    return () => media.removeEventListener("change", follow);
  }, []);

  function toggle() {
    const next: Theme = theme === "dark" ? "light" : "dark";
    window.localStorage.setItem(THEME_KEY, next);
    applyTheme(document.documentElement, next);
    setTheme(next);
  }

  return (
    <button
      type="button"
      data-testid="theme-toggle"
      onClick={toggle}
      aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
      title={theme === "dark" ? "Light theme" : "Dark theme"}
      className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      {theme === "dark" ? "☀" : "☾"}
    </button>
  );
}
