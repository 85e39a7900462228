import { generate, generateSecret, generateURI, verify } from "otplib";
import { open, seal } from "./secret-box";

export const TOTP_PERIOD_S = 30;
const ISSUER = "Tandem";

/** What users.mfa_secret holds, sealed: the base32 seed and the last time step accepted (replay guard). */
export type StoredTotp = { secret: string; lastStep: number | null };

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret, period: TOTP_PERIOD_S });
}

export function sealTotp(stored: StoredTotp): string {
  return seal(JSON.stringify({ s: stored.secret, t: stored.lastStep }), "mfa-secret");
}

export function openTotp(box: string | null): StoredTotp | null {
  if (!box) return null;
  const plain = open(box, "mfa-secret");
  if (!plain) return null;
  const parsed = JSON.parse(plain) as { s: string; t: number | null };
  return { secret: parsed.s, lastStep: parsed.t };
}

/**
 * Checks a 6-digit code with ±1 step of clock tolerance (BENCHMARKS.md R18), refusing any step at or
 * before the last one accepted so a code works once. Returns the step to remember.
 */
export async function verifyTotp(
  stored: StoredTotp,
  code: string,
  now: Date = new Date(),
): Promise<{ ok: true; step: number } | { ok: false }> {
  if (!/^\d{6}$/.test(code)) return { ok: false };
  const result = await verify({
    secret: stored.secret,
    token: code,
    period: TOTP_PERIOD_S,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_PERIOD_S,
    ...(stored.lastStep !== null ? { afterTimeStep: stored.lastStep } : {}),
  });
  return result.valid && "timeStep" in result ? { ok: true, step: result.timeStep } : { ok: false };
}

/** The code an authenticator app shows at `at` (tests and the e2e helper). */
export function totpCode(secret: string, at: Date = new Date()): Promise<string> {
  return generate({ secret, period: TOTP_PERIOD_S, epoch: Math.floor(at.getTime() / 1000) });
}
