import { Auth } from "@auth/core";
import { beforeAll, describe, expect, it } from "vitest";
import { setRuntimeEnv } from "@/lib/env.js";
import { hashBackupCode, newBackupCodes, normalizeBackupCode } from "./backup-codes";
import { clientIp } from "./client-ip";
import { describeUserAgent } from "./list-sessions";
import { checkPasswordPolicy } from "./password-policy";
import { open, seal } from "./secret-box";
import { isMfaPending, sessionProblem, SESSION_IDLE_MS, type SessionRow } from "./sessions";
import { ACCOUNT_RULE, delaySeconds, MFA_RULE, retryAfterSeconds } from "./throttle";
import { newTotpSecret, openTotp, sealTotp, totpCode, verifyTotp } from "./totp";

beforeAll(() => {
  setRuntimeEnv({ AUTH_SECRET: "unit-test-auth-secret-0123456789abcdef" });
});

describe("checkPasswordPolicy", () => {
  it.each([
    ["short", "at least 12"],
    ["x".repeat(257), "at most 256"],
    ["password1234", "too common"],
    ["P@ssw0rd2024!", "too common"],
    ["Qwertyuiop123", "too common"],
    ["sunshinesunshine", "too common"],
    ["ada.lovelace-rocks-2024", "email"],
    ["abababababababab", "too common"],
  ])("refuses %j", (password, reason) => {
    const result = checkPasswordPolicy(password, "Ada.Lovelace@example.com");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(new RegExp(reason, "i"));
  });

  it.each(["correct horse battery staple", "a quiet lighthouse keeper", "x7Kp-92mQ-vv1L-zzQ0"])(
    "accepts %j",
    (p) => {
      expect(checkPasswordPolicy(p, "ada@example.com")).toEqual({ ok: true });
    },
  );
});

describe("throttle delays", () => {
  it("grows from the threshold and stops at the cap", () => {
    expect([4, 5, 6, 7, 9, 10, 50].map((n) => delaySeconds(n, ACCOUNT_RULE))).toEqual([
      0, 1, 2, 4, 16, 30, 30,
    ]);
    expect(delaySeconds(5, MFA_RULE)).toBe(30);
    expect(delaySeconds(40, MFA_RULE)).toBe(900);
  });

  it("counts the wait from the last failure", () => {
    const last = new Date("2026-01-01T00:00:00Z");
    const stats = { failures: 8, lastFailureAt: last };
    expect(retryAfterSeconds(stats, ACCOUNT_RULE, new Date(last.getTime() + 2_500))).toBe(6);
    expect(retryAfterSeconds(stats, ACCOUNT_RULE, new Date(last.getTime() + 8_000))).toBe(0);
  });
});

describe("secret box", () => {
  it("round-trips, and refuses tampering or another purpose", () => {
    const box = seal("JBSWY3DPEHPK3PXP", "mfa-secret");
    expect(box).not.toContain("JBSWY3DPEHPK3PXP");
    expect(open(box, "mfa-secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(open(box, "mfa-enrolment")).toBeNull();
    const parts = box.split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(open(parts.join("."), "mfa-secret")).toBeNull();
  });
});

describe("TOTP", () => {
  it("accepts ±1 step and nothing at or before the last step used", async () => {
    const stored = { secret: newTotpSecret(), lastStep: null };
    expect(openTotp(sealTotp(stored))).toEqual(stored);
    const now = new Date("2026-03-01T12:00:10Z");
    const prev = await totpCode(stored.secret, new Date(now.getTime() - 30_000));
    const next = await totpCode(stored.secret, new Date(now.getTime() + 30_000));
    const far = await totpCode(stored.secret, new Date(now.getTime() + 65_000));
    const accepted = await verifyTotp(stored, prev, now);
    expect(accepted.ok).toBe(true);
    expect((await verifyTotp(stored, next, now)).ok).toBe(true);
    expect((await verifyTotp(stored, far, now)).ok).toBe(false);
    const after = { ...stored, lastStep: accepted.ok ? accepted.step : 0 };
    expect((await verifyTotp(after, prev, now)).ok).toBe(false);
  });
});

describe("backup codes", () => {
  it("are 10 distinct codes, typed back in any case and with or without the dash", () => {
    const codes = newBackupCodes();
    expect(new Set(codes).size).toBe(10);
    const code = codes[0]!;
    expect(normalizeBackupCode(code.toLowerCase().replace("-", " "))).toBe(code.replace("-", ""));
    expect(hashBackupCode("u1", code)).toBe(hashBackupCode("u1", code.toLowerCase()));
    expect(hashBackupCode("u1", code)).not.toBe(hashBackupCode("u2", code));
  });
});

describe("sessions", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const row: SessionRow = {
    sessionId: "s",
    userId: "u",
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
    revokedAt: null,
    mfaVerifiedAt: null,
    role: "agent",
    customRoleId: null,
    disabledAt: null,
    sessionVersion: 2,
    mfaEnabledAt: null,
    mustChangePassword: false,
    mfaRequiredForAll: false,
  };
  const token = { userId: "u", sessionVersion: 2 };
  it("names why a session is no longer valid", () => {
    expect(sessionProblem(row, token, now)).toBeNull();
    expect(sessionProblem(undefined, token, now)).toBe("missing");
    expect(sessionProblem(row, { ...token, userId: "v" }, now)).toBe("user");
    expect(sessionProblem({ ...row, revokedAt: now }, token, now)).toBe("revoked");
    expect(sessionProblem({ ...row, disabledAt: now }, token, now)).toBe("disabled");
    expect(sessionProblem(row, { ...token, sessionVersion: 1 }, now)).toBe("version");
    expect(sessionProblem({ ...row, expiresAt: now }, token, now)).toBe("expired");
    expect(sessionProblem(row, token, new Date(now.getTime() + SESSION_IDLE_MS + 1))).toBe("idle");
  });
  it("requires MFA for admins and supervisors, and for everyone when set", () => {
    expect(isMfaPending(row)).toBe(false);
    expect(isMfaPending({ ...row, role: "supervisor" })).toBe(true);
    expect(isMfaPending({ ...row, mfaRequiredForAll: true })).toBe(true);
    expect(isMfaPending({ ...row, role: "admin", mfaVerifiedAt: now })).toBe(false);
  });
});

describe("request details", () => {
  it("takes the first forwarded hop, then X-Real-IP", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.5, 10.0.0.1" }))).toBe("203.0.113.5");
    expect(clientIp(new Headers({ "x-real-ip": "::ffff:198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientIp(new Headers())).toBeNull();
  });
  it("describes a user agent briefly", () => {
    expect(
      describeUserAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"),
    ).toBe("Chrome on Linux");
    expect(describeUserAgent(null)).toBe("Unknown device");
  });
  it("relies on next-auth cookies that are HttpOnly, SameSite=Lax and prefixed over HTTPS", async () => {
    const cookiesAt = async (origin: string) => {
      const res = await Auth(new Request(`${origin}/api/auth/csrf`), {
        secret: "unit-test-auth-secret-0123456789abcdef",
        trustHost: true,
        basePath: "/api/auth",
        providers: [],
      });
      return res.headers.getSetCookie().join("\n");
    };
    const secure = await cookiesAt("https://tandem.example");
    expect(secure).toMatch(/^__Host-authjs\.csrf-token=/);
    for (const attribute of ["HttpOnly", "SameSite=Lax", "Secure"]) expect(secure).toContain(attribute);
    const local = await cookiesAt("http://localhost:3000");
    expect(local).toMatch(/^authjs\.csrf-token=/);
    expect(local).toContain("HttpOnly");
    expect(local).not.toContain("Secure");
  });
});
