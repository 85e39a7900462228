import QRCode from "qrcode";
import { eq } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { UnauthenticatedError } from "@/lib/errors";
import { seal } from "./secret-box";
import { requireSessionUser } from "./session-actor";
import { newTotpSecret, totpUri } from "./totp";

const ENROLMENT_TTL_MS = 15 * 60 * 1000;

export type MfaEnrolmentStart = {
  secret: string;
  otpauth_uri: string;
  qr_data_url: string;
  /** The new secret sealed for this user for 15 minutes; sent back with the confirming code. */
  enrolment_token: string;
  reenrolling: boolean;
};

/**
 * A new TOTP secret to scan. Nothing is stored yet: the secret travels sealed in the enrolment token, so
 * an abandoned set-up leaves the current authenticator (if any) working.
 */
export async function startMfaEnrolment({ ctx }: { ctx: Ctx }): Promise<MfaEnrolmentStart> {
  const me = requireSessionUser(ctx.actor);
  const [user] = await dbOf(ctx)
    .select({ email: users.email, mfaEnabledAt: users.mfaEnabledAt })
    .from(users)
    .where(eq(users.id, me.id))
    .limit(1);
  if (!user) throw new UnauthenticatedError();
  const secret = newTotpSecret();
  const uri = totpUri(secret, user.email);
  return {
    secret,
    otpauth_uri: uri,
    qr_data_url: await QRCode.toDataURL(uri, { margin: 1, width: 200 }),
    enrolment_token: seal(
      JSON.stringify({ uid: me.id, secret, exp: Date.now() + ENROLMENT_TTL_MS }),
      "mfa-enrolment",
    ),
    reenrolling: user.mfaEnabledAt !== null,
  };
}
