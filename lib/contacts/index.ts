export { resolveContact, type ResolvedContact } from "./resolve-contact";
