import fs from "node:fs";
import path from "node:path";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export type PasswordPolicyResult = { ok: true } | { ok: false; reason: string };

/**
 * The policy for new and changed passwords (ASVS 6.2): length 12–256, not a common password or an
 * obvious variant of one (a common word plus digits/symbols, simple substitutions), not built on the
 * email's local part. Returns a reason a person can act on.
 */
export function checkPasswordPolicy(password: string, email: string): PasswordPolicyResult {
  if (password.length < PASSWORD_MIN)
    return { ok: false, reason: `Password must be at least ${PASSWORD_MIN} characters` };
  if (password.length > PASSWORD_MAX)
    return { ok: false, reason: `Password must be at most ${PASSWORD_MAX} characters` };
  const lower = password.toLowerCase();
  const local = email.split("@")[0]?.toLowerCase() ?? "";
  if (local.length >= 3 && lower.includes(local))
    return { ok: false, reason: "Password must not contain your email address or username" };
  if (isCommon(lower))
    return { ok: false, reason: "This password is too common; choose a longer phrase that is unique to you" };
  if (new Set(lower).size < 4)
    return { ok: false, reason: "Password must not be one or two repeated characters" };
  return { ok: true };
}

function isCommon(lower: string): boolean {
  const list = commonPasswords();
  if (list.has(lower)) return true;
  // "P@ssw0rd2024!" → "password": strip the digits and symbols people pad a common word with.
  const core = deleet(lower.replace(/^[\d\W_]+|[\d\W_]+$/g, ""));
  if (core.length > 0 && list.has(core)) return true;
  // "monkeymonkeymonkey": one short chunk repeated.
  return /^(.{1,6})\1+$/.test(lower);
}

const LEET: Record<string, string> = {
  "@": "a",
  "4": "a",
  "3": "e",
  "1": "i",
  "0": "o",
  $: "s",
  "5": "s",
  "7": "t",
};
function deleet(value: string): string {
  return value.replace(/[@43105$7]/g, (c) => LEET[c] ?? c);
}

let cached: Set<string> | undefined;

/** Loaded once per process from the data file beside this module. */
function commonPasswords(): Set<string> {
  if (cached) return cached;
  const text = readList();
  cached = new Set(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#")),
  );
  return cached;
}

function readList(): string {
  // A literal path under the project root (the working directory of the server, scripts and tests):
  // bundlers trace exactly this file instead of guessing at a dynamic path.
  try {
    return fs.readFileSync(path.join(process.cwd(), "lib/auth/common-passwords.txt"), "utf8");
  } catch (error) {
    throw new Error("The common-password list (lib/auth/common-passwords.txt) is missing", { cause: error });
  }
}
