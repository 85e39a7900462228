// Light or dark: the person's choice (localStorage) or else the system's (prefers-color-scheme). The class
// on <html> drives Tailwind's dark: variant; the inline script applies it before the first paint.

export const THEME_KEY = "tandem.theme";
export type Theme = "light" | "dark";

export function resolveTheme(stored: string | null, prefersDark: boolean): Theme {
  if (stored === "light" || stored === "dark") return stored;
  return prefersDark ? "dark" : "light";
}

export function applyTheme(root: { classList: DOMTokenList; style: { colorScheme: string } }, theme: Theme) {
  root.classList.toggle("dark", theme === "dark");
  root.style.colorScheme = theme;
}

/** Runs in <head> before anything renders, so a dark page never flashes white (kept tiny and ES5). */
export const themeScript = `(function(){try{var s=localStorage.getItem(${JSON.stringify(THEME_KEY)});var d=s==="dark"||(s!=="light"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var r=document.documentElement;r.classList.toggle("dark",d);r.style.colorScheme=d?"dark":"light"}catch(e){}})()`;
