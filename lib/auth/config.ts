import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getEnv } from "@/lib/env.js";
import { clientIp } from "./client-ip";
import { readSessionToken } from "./session";
import { SESSION_ABSOLUTE_MS } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { endSession } from "./sign-out";

const credentials = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(256),
  code: z.string().max(64).optional(),
});

// The codes reach the sign-in form (next-auth passes CredentialsSignin.code through); messages stay generic.
export class InvalidLogin extends CredentialsSignin {
  code = "invalid_login";
}
export class MfaRequired extends CredentialsSignin {
  code = "mfa_required";
}
export class MfaFailed extends CredentialsSignin {
  code = "mfa_failed";
}
export class Throttled extends CredentialsSignin {
  constructor(readonly retryAfterS: number) {
    super();
    this.code = `throttled:${retryAfterS}`;
  }
}

export const SESSION_MAX_AGE_S = SESSION_ABSOLUTE_MS / 1000;

// Lazy config: the secret is resolved at start-up (generated for the embedded demo), after this module loads.
// Cookies are next-auth's defaults: HttpOnly, SameSite=Lax, and __Secure-/__Host- prefixed when the
// request came over HTTPS (plain names on http://localhost); lib/auth/session.ts reads either name.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: getEnv().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {}, code: {} },
      authorize: async (raw, request) => {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new InvalidLogin();
        const previous = await readSessionToken(request.headers).catch(() => undefined);
        const result = await signInWithPassword({
          ...parsed.data,
          code: parsed.data.code || undefined,
          ip: clientIp(request.headers),
          userAgent: request.headers.get("user-agent"),
          previous: previous ? { userId: previous.userId, sessionId: previous.sessionId } : undefined,
        });
        if (result.ok)
          return {
            id: result.user.id,
            email: result.user.email,
            name: result.user.name,
            role: result.user.role,
            sessionVersion: result.user.sessionVersion,
            sessionId: result.sessionId,
          };
        if (result.reason === "throttled") throw new Throttled(result.retryAfterS);
        if (result.reason === "mfa_required") throw new MfaRequired();
        if (result.reason === "mfa_failed") throw new MfaFailed();
        throw new InvalidLogin();
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        const u = user as { id: string; role: string; sessionVersion: number; sessionId: string };
        token.uid = u.id;
        token.role = u.role;
        token.sv = u.sessionVersion;
        token.sid = u.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: String(token.uid), role: String(token.role) } };
    },
  },
  events: {
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (token && typeof token.uid === "string" && typeof token.sid === "string")
        await endSession({ userId: token.uid, sessionId: token.sid });
    },
  },
}));
