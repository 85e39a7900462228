import { burnPasswordCheck, verifyPassword } from "@/lib/auth/password";
import { getDb } from "@/lib/db/client";
import { findUserByEmail } from "./queries";

/** Returns the user for a correct email + password, else null; unknown email and wrong password look alike. */
export async function verifyCredentials(email: string, password: string) {
  const user = await findUserByEmail(getDb(), email);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || user.disabledAt) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionVersion: user.sessionVersion,
  };
}
