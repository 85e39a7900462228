export { listPermissions, isGrantable } from "./catalogue";
export { createRole } from "./create-role";
export { deleteRole } from "./delete-role";
export { getRole } from "./get-role";
export { assertCanAny, assertMayGrant, ROLE_READERS } from "./grant";
export { listRoles } from "./list-roles";
export { resolveRoleAssignment, type RoleAssignment } from "./resolve-assignment";
export { updateRole } from "./update-role";
