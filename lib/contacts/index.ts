export { changeIdentity, type IdentityOutcome } from "./change-identity";
export { phoneVariants } from "./phone-variants";
export { findContact, resolveContact, type ResolvedContact } from "./resolve-contact";
export { setMarketingPreference, syncAddressBookEntry } from "./sync-address-book";
