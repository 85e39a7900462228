import { describe, expect, it } from "vitest";
import { resolveTheme, THEME_KEY, themeScript } from "./theme";

/** Runs the inline <head> script against a minimal document, localStorage and matchMedia. */
function runScript(stored: string | null, prefersDark: boolean) {
  const classes = new Set<string>();
  const root = {
    classList: { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)) },
    style: { colorScheme: "" },
  };
  const window = {
    matchMedia: (q: string) => ({ matches: q === "(prefers-color-scheme: dark)" && prefersDark }),
  };
  const localStorage = { getItem: (key: string) => (key === THEME_KEY ? stored : null) };
  new Function("window", "document", "localStorage", themeScript)(
    window,
    { documentElement: root },
    localStorage,
  );
  return { dark: classes.has("dark"), scheme: root.style.colorScheme };
}

describe("theme", () => {
  it("uses the stored choice, else the system preference", () => {
    expect(resolveTheme("dark", false)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
    expect(resolveTheme(null, true)).toBe("dark");
    expect(resolveTheme("bogus", false)).toBe("light");
  });

  it("the pre-paint script makes the same decision", () => {
    expect(runScript(null, true)).toEqual({ dark: true, scheme: "dark" });
    expect(runScript(null, false)).toEqual({ dark: false, scheme: "light" });
    expect(runScript("light", true)).toEqual({ dark: false, scheme: "light" });
    expect(runScript("dark", false)).toEqual({ dark: true, scheme: "dark" });
  });
});
