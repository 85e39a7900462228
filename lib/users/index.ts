export { createUser } from "./create-user";
export { findUserByEmail, loadActor } from "./queries";
export { setPassword } from "./set-password";
export { verifyCredentials } from "./verify-credentials";
