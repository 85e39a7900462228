// Self-service verbs for the signed-in person (REST routes and pages call these).
export { changePassword, type ChangePasswordInput } from "./change-password";
export { confirmMfaEnrolment } from "./confirm-mfa-enrolment";
export { getMe } from "./get-me";
export { listMySessions, type SessionDto } from "./list-sessions";
export { checkPasswordPolicy } from "./password-policy";
export { revokeMySession } from "./revoke-session";
export { signOutEverywhere } from "./sign-out-everywhere";
export { startMfaEnrolment } from "./start-mfa-enrolment";
