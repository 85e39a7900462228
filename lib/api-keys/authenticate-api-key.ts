import type { UserActor } from "@/lib/auth/actor";
import { isPermission, rolePermissions, type Permission } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { hashApiKey, parseApiKey, sameHash } from "./key-format";
import { selectKeyForAuth, touchLastUsed } from "./queries";

// Compared against when the prefix is unknown, so unknown and wrong keys take the same time.
const DUMMY_HASH = hashApiKey("tdm_000000000000_" + "0".repeat(48));

/**
 * The actor behind `Authorization: Bearer <key>`. Its id is the key's id, so audit rows name the key;
 * its role sets object scope (an admin-role key sees everything) and its permissions are the role's or
 * custom role's list, read on every request so a role edit applies at once.
 */
export async function actorFromApiKey(key: string): Promise<UserActor> {
  const parsed = parseApiKey(key);
  if (!parsed) throw apiKeyError("api_key_invalid", "The API key is not valid");
  const db = getDb();
  const row = await selectKeyForAuth(db, parsed.prefix);
  const matches = sameHash(row?.key_hash ?? DUMMY_HASH, hashApiKey(key));
  if (!row || !matches) throw apiKeyError("api_key_invalid", "The API key is not valid");
  if (row.revoked_at) throw apiKeyError("api_key_revoked", "The API key has been revoked");
  if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now())
    throw apiKeyError("api_key_expired", "The API key has expired");
  await touchLastUsed(db, row);
  const permissions: Permission[] = row.custom_permissions
    ? row.custom_permissions.filter((p): p is Permission => isPermission(p) && p !== "ingest:apply")
    : [...rolePermissions[row.role]];
  return {
    type: "user",
    id: row.id,
    role: row.custom_base_role ?? row.role,
    teamIds: [],
    managedTeamIds: [],
    permissions,
    via: { kind: "api_key", keyId: row.id },
  };
}

// 401 with a code saying what is wrong with the key; the secret itself is never echoed.
function apiKeyError(code: "api_key_invalid" | "api_key_revoked" | "api_key_expired", message: string) {
  return new AppError(code, message, 401);
}
