import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import type { DbOrTx } from "@/lib/db/client";
import { getDb } from "@/lib/db/client";
import { findUserByEmail, type UserRow } from "./queries";

export type CredentialCheck =
  | { outcome: "ok"; user: UserRow }
  | { outcome: "unknown_user"; user: null }
  | { outcome: "bad_password" | "disabled"; user: UserRow };

/**
 * Checks an email + password. Unknown email and wrong password cost the same time (a dummy hash is
 * verified) and callers show one message for both; a disabled account is reported only after the right
 * password, so the outcome never reveals more than the caller's generic error.
 */
export async function verifyCredentials(
  email: string,
  password: string,
  db: DbOrTx = getDb(),
): Promise<CredentialCheck> {
  const user = await findUserByEmail(db, email);
  if (!user) {
    await burnPasswordCheck(password);
    return { outcome: "unknown_user", user: null };
  }
  if (!(await verifyPassword(user.passwordHash, password))) return { outcome: "bad_password", user };
  if (user.disabledAt) return { outcome: "disabled", user };
  return { outcome: "ok", user };
}
