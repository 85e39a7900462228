import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env.js";

// The one place the route matrix and the people tests mint a session cookie. When the authentication
// side's tests/int/session-cookie.ts exists it is used; until then a session row is inserted here
// (MFA already passed) and a next-auth JWT naming it is encoded, as the sign-in would.
const SHARED = path.resolve(import.meta.dirname, "session-cookie.ts");
const SALT = "authjs.session-token";

export async function cookieFor(userId: string): Promise<string> {
  if (fs.existsSync(SHARED)) {
    const shared = (await import(/* @vite-ignore */ SHARED)) as {
      sessionCookieFor?: (id: string) => Promise<string>;
    };
    if (shared.sessionCookieFor) return shared.sessionCookieFor(userId);
  }
  const [row] = await getDb().execute<{ sid: string; sv: number }>(sql`
    insert into user_sessions (user_id, expires_at, mfa_verified_at)
    values (${userId}, now() + interval '12 hours', now())
    returning id as sid, (select session_version from users where id = ${userId}) as sv`);
  if (!row) throw new Error(`no session for ${userId}`);
  const secret = getEnv().AUTH_SECRET!;
  const token = await encode({
    token: { uid: userId, sid: row.sid, sv: Number(row.sv) },
    secret,
    salt: SALT,
  });
  return `${SALT}=${token}`;
}
