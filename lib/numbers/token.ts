import { open, seal, type BoxPurpose } from "@/lib/auth/secret-box";

// One HKDF key per purpose: a sealed number token never opens as another kind of secret.
const PURPOSE: BoxPurpose = "number-token";

export function sealNumberToken(token: string): string {
  return seal(token, PURPOSE);
}

/** The number's Cloud API token, or null when none is stored or the box no longer opens. */
export function openNumberToken(sealed: string | null): string | null {
  return sealed ? open(sealed, PURPOSE) : null;
}
