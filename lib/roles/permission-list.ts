import { isPermission, type Permission } from "@/lib/auth/permissions";
import { ValidationError } from "@/lib/errors";
import { isGrantable } from "./catalogue";

/** A role's permission list checked against the catalogue: unknown or system-only entries are named. */
export function parsePermissionList(list: readonly string[]): Permission[] {
  const out: Permission[] = [];
  list.forEach((value, index) => {
    const field = `permissions.${index}`;
    if (!isPermission(value))
      throw new ValidationError(`${field} "${value}" is not a permission in the catalogue`, { field });
    if (!isGrantable(value))
      throw new ValidationError(`${field} ${value} can never be granted to a role`, { field });
    if (!out.includes(value)) out.push(value);
  });
  return out;
}

/** A stored list read back: entries dropped from the catalogue since it was saved are ignored, never granted. */
export function storedPermissions(list: readonly string[]): Permission[] {
  return list.filter((value): value is Permission => isPermission(value) && isGrantable(value));
}
