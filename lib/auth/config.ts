import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getEnv } from "@/lib/env.js";
import { verifyCredentials } from "@/lib/users";

const credentials = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(256) });

class InvalidLogin extends CredentialsSignin {
  code = "invalid_login";
}

export const SESSION_MAX_AGE_S = 12 * 60 * 60;

// Lazy config: the secret is resolved at start-up (generated for the embedded demo), after this module loads.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: getEnv().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      authorize: async (raw) => {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) throw new InvalidLogin();
        const user = await verifyCredentials(parsed.data.email, parsed.data.password);
        if (!user) throw new InvalidLogin();
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        const u = user as { id: string; role: string; sessionVersion: number };
        token.uid = u.id;
        token.role = u.role;
        token.sv = u.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: String(token.uid), role: String(token.role) } };
    },
  },
}));
